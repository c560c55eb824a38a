#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine to a running single-node Berth cluster serving
# the example service: installs what is missing, starts Docker, builds Berth and the example
# images, starts the manager (with its agent) in the background, applies examples/whoami.yaml,
# shows it and asks it who it is: curl localhost:4567. Run as root. Safe to run again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root "$@"
install_packages
ensure_docker
build
log "building the example images (examples/images/build.sh)"
"$BERTH_REPO/examples/images/build.sh"

berth="$BERTH_REPO/bin/berth"
state_dir="${BERTH_STATE_DIR:-/var/lib/berth}"
if "$berth" status >/dev/null 2>&1; then
  log "a Berth manager is already running"
else
  log "starting the manager: berth init --detach (state in $state_dir)"
  "$berth" init --detach --state-dir "$state_dir"
fi

log "berth apply -f examples/whoami.yaml"
"$berth" apply -f "$BERTH_REPO/examples/whoami.yaml"

# The task starts within a second or two; wait for it so the listing below is meaningful.
for _ in $(seq 1 100); do
  if "$berth" service ls 2>/dev/null | grep -q ' 1/1 '; then break; fi
  sleep 0.2
done
log "berth node ls"
"$berth" node ls
log "berth service ls"
"$berth" service ls
log "berth service ps whoami"
"$berth" service ps whoami
log "curl localhost:4567"
for _ in $(seq 1 50); do
  if curl -fsS --max-time 2 http://localhost:4567/; then break; fi
  sleep 0.2
done
cat >&2 <<MSG

Berth is running (manager log: $state_dir/manager.log). Try:
  bin/berth get services -o yaml
  bin/berth service scale whoami=3; curl localhost:4567   # several times: three hostnames
  bin/berth stop
MSG
