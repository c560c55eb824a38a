#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine to a running single-node Berth cluster serving
# the example service: installs what is missing, builds, starts the manager in the background,
# applies examples/whoami.yaml and shows it. Run as root. Safe to run again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root "$@"
install_packages
build

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

# Tasks are scheduled within a moment; wait for it so the listing below is meaningful.
for _ in $(seq 1 50); do
  if "$berth" service ps whoami 2>/dev/null | grep -q Assigned; then break; fi
  sleep 0.2
done
log "berth node ls"
"$berth" node ls
log "berth service ls"
"$berth" service ls
log "berth service ps whoami"
"$berth" service ps whoami
cat >&2 <<MSG

Berth is running (manager log: $state_dir/manager.log). Try:
  bin/berth get services -o yaml
  bin/berth service scale whoami=5
  bin/berth stop
Tasks are scheduled to this node and stay Assigned: the agent that runs containers comes next.
MSG
