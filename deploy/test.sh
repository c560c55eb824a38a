#!/usr/bin/env bash
# One command that runs Berth's whole test suite (unit, integration on a real etcd and a real
# Docker engine, CLI, end to end) on a fresh Debian/Ubuntu machine: installs what is missing,
# starts dockerd if none runs, then `mvn verify`. Run as root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root "$@"
install_packages
ensure_docker
log "running the test suite (mvn verify)"
cd "$BERTH_REPO"
exec mvn -B verify "$@"
