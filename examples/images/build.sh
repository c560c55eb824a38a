#!/usr/bin/env bash
# Builds Berth's example images into the local Docker engine with no registry: a rootfs made of
# Debian's statically linked busybox, imported with `docker import`.
#
#   berth-examples/whoami:1  answers its container's hostname on port 4567 over HTTP, like the
#                            article's subicura/whoami:1
#   berth-examples/whoami:2  the same, with a version marker: "whoami v2: <hostname>"
#   berth-examples/sleep:1   sleeps until stopped (for benchmarks)
#
# Usage: examples/images/build.sh [--force]
#   --force  rebuild images that already exist (by default they are kept: the script is idempotent)
# DOCKER_HOST is honoured (the docker CLI reads it), so the images can be built into any engine.
# Every image exits at once on SIGTERM: PID 1 is a shell that traps TERM (a process that is PID 1
# in its namespace gets no default signal handling, so an untrapped httpd would make
# `docker stop` wait out its grace period).
set -euo pipefail

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '==> %s\n' "$*" >&2; }

command -v docker >/dev/null 2>&1 || { echo "error: the docker CLI is not installed" >&2; exit 1; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || { echo "error: no Docker engine answers at ${DOCKER_HOST:-the default socket}" >&2; exit 1; }

# A static busybox is needed: the images hold no libc. Debian's busybox-static provides it at
# /bin/busybox; install it when it is missing (needs root and apt).
busybox_bin() {
  local b
  for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then echo "$b"; return 0; fi
  done
  return 1
}
if ! busybox=$(busybox_bin); then
  log "installing busybox-static"
  [ "$(id -u)" = 0 ] || { echo "error: busybox-static is missing; run as root to install it" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null; }
  busybox=$(busybox_bin) || { echo "error: no static busybox after installing busybox-static" >&2; exit 1; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One rootfs serves all images; only their CMD differs.
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/www" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for applet in sh ash sleep httpd hostname cat echo nc ls ps kill wget env true false; do
  ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"

# whoami: the page is written once at start (the hostname of a container does not change), then
# httpd serves it in the foreground under a shell that turns SIGTERM into a prompt exit.
whoami_cmd() { # $1: the text before the hostname ("" or "whoami v2: ")
  printf 'trap "exit 0" TERM INT; echo "%s$(hostname)" > /www/index.html; httpd -f -p 4567 -h /www & wait' "$1"
}
sleep_cmd='trap "exit 0" TERM INT; sleep 2147483647 & wait'

json_string() { # a shell string as a JSON string literal (only " and \ need escaping here)
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

build_image() { # $1: name:tag, $2: the sh -c script, $3...: extra --change lines
  local ref=$1 script=$2 old
  shift 2
  old=$(docker image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  if ! $force && [ -n "$old" ]; then
    log "$ref exists (use --force to rebuild)"
    return 0
  fi
  local changes=(-c "CMD [\"/bin/sh\", \"-c\", $(json_string "$script")]" -c 'LABEL dev.berth.example=true')
  local c
  for c in "$@"; do changes+=(-c "$c"); done
  log "building $ref"
  tar -C "$rootfs" --owner=0 --group=0 --numeric-owner -c . \
    | docker import "${changes[@]}" -m "Berth example image (busybox)" - "$ref" >/dev/null
  # The image it replaces would stay behind untagged; drop it unless a container still uses it.
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect --format '{{.Id}}' "$ref")" ]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

build_image berth-examples/whoami:1 "$(whoami_cmd '')" 'EXPOSE 4567'
build_image berth-examples/whoami:2 "$(whoami_cmd 'whoami v2: ')" 'EXPOSE 4567'
build_image berth-examples/sleep:1 "$sleep_cmd"
docker image ls --filter "reference=berth-examples/*" >&2
