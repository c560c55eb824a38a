#!/usr/bin/env bash
# Builds Berth's example images into the local Docker engine with no registry: root file systems
# made of Debian's statically linked busybox (and, for redis and nginx, Debian's binary with exactly
# the shared libraries it needs), imported with `docker import`.
#
#   berth-examples/whoami:1  answers its container's hostname on port 4567 over HTTP, like the
#                            article's subicura/whoami:1
#   berth-examples/whoami:2  the same, with a version marker: "whoami v2: <hostname>"
#   berth-examples/sleep:1   sleeps until stopped (for benchmarks)
#   berth-examples/redis:7   Debian's redis-server 7.0 on port 6379, in memory only (no RDB/AOF)
#   berth-examples/counter:1 the article's visitor counter (subicura/counter) on port 4567: each GET
#                            adds one visit for its container in redis ($REDIS_HOST, default
#                            "redis", port 6379) and answers "<hostname> > <visits>" per container
#   berth-examples/nginx:1   Debian's nginx 1.22 answering its container's hostname on port 4567,
#                            like whoami, but with keep-alive and one event-driven worker (for the
#                            routing mesh benchmark, deploy/bench-mesh.sh)
#
# Usage: examples/images/build.sh [--force]
#   --force  rebuild images that already exist (by default they are kept: the script is idempotent)
# DOCKER_HOST is honoured (the docker CLI reads it), so the images can be built into any engine.
# Every image exits at once on SIGTERM: PID 1 is a shell that traps TERM (a process that is PID 1
# in its namespace gets no default signal handling, so an untrapped httpd would make
# `docker stop` wait out its grace period), or redis-server or nginx, which handle TERM themselves.
# The redis and nginx binaries come from Debian's redis-tools and nginx packages, fetched once with
# `apt-get download` (never installed) into $BERTH_EXAMPLES_CACHE (default /var/cache/berth-examples
# as root, else ~/.cache/berth-examples); without them and without the Debian mirror, those images
# are skipped (a warning).
set -euo pipefail

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '==> %s\n' "$*" >&2; }

command -v docker >/dev/null 2>&1 || { echo "error: the docker CLI is not installed" >&2; exit 1; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || { echo "error: no Docker engine answers at ${DOCKER_HOST:-the default socket}" >&2; exit 1; }

image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
# True when $1 must be built: it is missing, or --force.
wanted() { $force || [ -z "$(image_id "$1")" ]; }

all=(berth-examples/whoami:1 berth-examples/whoami:2 berth-examples/sleep:1 berth-examples/redis:7
  berth-examples/counter:1 berth-examples/nginx:1)
todo=false
for ref in "${all[@]}"; do
  if wanted "$ref"; then todo=true; else log "$ref exists (use --force to rebuild)"; fi
done
# Nothing to build: done before touching busybox, apt or the cache (lab.sh runs this per node).
$todo || exit 0

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

# One busybox rootfs serves whoami and sleep; only their CMD differs.
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
  # shellcheck disable=SC2016 # $(hostname) is expanded by the container's shell
  printf 'trap "exit 0" TERM INT; echo "%s$(hostname)" > /www/index.html; httpd -f -p 4567 -h /www & wait' "$1"
}
sleep_cmd='trap "exit 0" TERM INT; sleep 2147483647 & wait'

json_string() { # a shell string as a JSON string literal (only " and \ need escaping here)
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

import_image() { # $1: name:tag, $2: rootfs dir, $3: the CMD as a JSON array, $4...: extra --change lines
  local ref=$1 dir=$2 cmd=$3 old
  shift 3
  old=$(image_id "$ref")
  local changes=(-c "CMD $cmd" -c 'LABEL dev.berth.example=true')
  local c
  for c in "$@"; do changes+=(-c "$c"); done
  log "building $ref"
  tar -C "$dir" --owner=0 --group=0 --numeric-owner -c . \
    | docker import "${changes[@]}" -m "Berth example image" - "$ref" >/dev/null
  # The image it replaces would stay behind untagged; drop it unless a container still uses it.
  if [ -n "$old" ] && [ "$old" != "$(image_id "$ref")" ]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

build_image() { # $1: name:tag, $2: the sh -c script, $3...: extra --change lines (busybox rootfs)
  local ref=$1 script=$2
  shift 2
  wanted "$ref" || return 0
  import_image "$ref" "$rootfs" "[\"/bin/sh\", \"-c\", $(json_string "$script")]" "$@"
}

build_image berth-examples/whoami:1 "$(whoami_cmd '')" 'EXPOSE 4567'
build_image berth-examples/whoami:2 "$(whoami_cmd 'whoami v2: ')" 'EXPOSE 4567'
build_image berth-examples/sleep:1 "$sleep_cmd"

# --- counter: the article's step 4 web app --------------------------------------------------
# busybox httpd runs /www/cgi-bin/index.cgi (counter/index.cgi here) for "/", as there is no
# index.html; the script talks to redis with nc.
# The hostname is read once at start and handed to every CGI through httpd's environment.
# shellcheck disable=SC2016 # expanded by the container's shell
counter_cmd='trap "exit 0" TERM INT; export COUNTER_NAME=$(hostname); httpd -f -p 4567 -h /www & wait'

if wanted berth-examples/counter:1; then
  counter_root="$work/counter"
  cp -a "$rootfs" "$counter_root"
  for applet in awk timeout printf; do ln -s busybox "$counter_root/bin/$applet"; done
  mkdir -p "$counter_root/www/cgi-bin"
  cp "$(dirname "$0")/counter/index.cgi" "$counter_root/www/cgi-bin/index.cgi"
  chmod 755 "$counter_root/www/cgi-bin/index.cgi"
  import_image berth-examples/counter:1 "$counter_root" \
    "[\"/bin/sh\", \"-c\", $(json_string "$counter_cmd")]" 'EXPOSE 4567' 'ENV REDIS_HOST=redis'
fi

# --- Debian binaries: redis and nginx, each with exactly its shared libraries ------------------
if [ -n "${BERTH_EXAMPLES_CACHE:-}" ]; then
  cache=$BERTH_EXAMPLES_CACHE
elif [ "$(id -u)" = 0 ]; then
  cache=/var/cache/berth-examples
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/berth-examples
fi

# Fills directory $1 with package $2 and those library packages it depends on that this machine
# lacks; fetched once, then reused offline. Several builds run at once (lab.sh builds into every
# node's engine in parallel), so the download holds a lock.
fetch_debs() {
  local dir=$1 main=$2
  mkdir -p "$dir"
  (
    flock 9
    ls "$dir/${main}"_*.deb >/dev/null 2>&1 && exit 0
    local pkgs=("$main") dep tmp
    for dep in $(apt-cache depends "$main" 2>/dev/null | sed -n 's/^ *Depends: \(lib[^ <>]*\)$/\1/p'); do
      dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q 'ok installed' || pkgs+=("$dep")
    done
    tmp=$(mktemp -d "$dir.XXXXXX")
    log "downloading ${pkgs[*]} (apt-get download, into $dir)"
    if ! (cd "$tmp" && apt-get download -qq "${pkgs[@]}" >/dev/null 2>&1); then
      if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null 2>&1 || true
      fi
      (cd "$tmp" && apt-get download -qq "${pkgs[@]}" >/dev/null 2>&1) || { rm -rf "$tmp"; exit 1; }
    fi
    # The main package last: its presence marks a complete download.
    mv "$tmp"/lib*.deb "$dir/" 2>/dev/null || true
    mv "$tmp/${main}"_*.deb "$dir/"
    rm -rf "$tmp"
  ) 9>"$dir.lock"
}

# Copies file $2 (a path on this machine, symlinks followed) to $1/<path $3, default $2>.
copy_into() {
  local root=$1 src=$2 dst=${3:-$2}
  mkdir -p "$root$(dirname "$dst")"
  cp -L "$src" "$root$dst"
}

# Copies binary $3 (extracted under $2) to $1/<path $4> with exactly the libraries the dynamic
# linker resolves for it: the downloaded ones from the extracted packages (stored under their path
# without the prefix $2), the rest from this machine.
copy_binary() {
  local root=$1 x=$2 bin=$3 dst=$4 libpath lib path
  copy_into "$root" "$bin" "$dst"
  libpath=$(find "$x" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)
  while read -r lib path; do
    case "$path" in
      "$x"/*) copy_into "$root" "$path" "${path#"$x"}" ;;
      /*) copy_into "$root" "$path" ;;
      *) echo "error: $dst needs $lib, which is not on this machine: ${path:-not found}" >&2; exit 1 ;;
    esac
  done < <(LD_LIBRARY_PATH=$libpath ldd "$bin" \
             | awk '$2 == "=>" { print $1, $3 } $1 ~ /^\// { print $1, $1 }')
}

# The redis binary is in redis-tools (the redis-server package only adds a symlink, config and a
# system service). Its cache directory is $cache/debs, where earlier builds put it.
build_redis() {
  local ref=berth-examples/redis:7 x="$work/redis-debs" root="$work/redis" deb
  fetch_debs "$cache/debs" redis-tools || {
    log "warning: could not download redis-tools (apt-get download; no Debian mirror?): $ref not built"
    return 0
  }
  mkdir -p "$x"
  for deb in "$cache/debs"/*.deb; do dpkg-deb -x "$deb" "$x"; done
  [ -x "$x/usr/bin/redis-check-rdb" ] || { echo "error: no redis binary in redis-tools" >&2; exit 1; }
  # Debian's redis-server is a symlink to redis-check-rdb: the binary picks its role from argv[0].
  mkdir -p "$root/etc" "$root/tmp" "$root/data" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  copy_binary "$root" "$x" "$x/usr/bin/redis-check-rdb" /usr/bin/redis-server
  # A minimal /etc: redis runs as root (the image's only user); name lookups are not needed.
  printf 'root:x:0:0:root:/data:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\n' > "$root/etc/group"
  # Foreground, every interface, no password (protected mode would refuse other containers), and
  # in memory only: the example keeps no state across restarts. redis-server exits on TERM itself.
  import_image "$ref" "$root" \
    '["/usr/bin/redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]' \
    'EXPOSE 6379' 'WORKDIR /data'
}
if wanted berth-examples/redis:7; then build_redis; fi

# nginx's configuration: whoami's answer, served the way a production web server serves it.
# One worker process: the lab's 2 cores are shared by its nodes, the load generator and this
# server, so more workers would only compete for them. Keep-alive connections stay open for
# 100000 requests (a benchmark's connection is not closed every 100, nginx's default). Nothing is
# logged per request (error_log on stderr only: docker logs shows it), and everything nginx
# writes (pid, temporary files) goes to /tmp: the image has no /var or /run.
# shellcheck disable=SC2016 # $hostname is nginx's variable
nginx_conf='worker_processes 1;
daemon off;
pid /tmp/nginx.pid;
error_log stderr warn;
user nobody nogroup;

events {
    worker_connections 4096;
}

http {
    access_log off;
    server_tokens off;
    default_type text/plain;
    keepalive_timeout 65s;
    keepalive_requests 100000;
    client_body_temp_path /tmp/nginx-body;
    proxy_temp_path /tmp/nginx-proxy;
    fastcgi_temp_path /tmp/nginx-fastcgi;
    uwsgi_temp_path /tmp/nginx-uwsgi;
    scgi_temp_path /tmp/nginx-scgi;

    server {
        listen 4567 default_server;
        location / {
            return 200 "$hostname\n";
        }
    }
}
'

build_nginx() {
  local ref=berth-examples/nginx:1 x="$work/nginx-debs" root="$work/nginx" deb
  fetch_debs "$cache/nginx-debs" nginx || {
    log "warning: could not download nginx (apt-get download; no Debian mirror?): $ref not built"
    return 0
  }
  mkdir -p "$x"
  for deb in "$cache/nginx-debs"/*.deb; do dpkg-deb -x "$deb" "$x"; done
  [ -x "$x/usr/sbin/nginx" ] || { echo "error: no nginx binary in the nginx package" >&2; exit 1; }
  mkdir -p "$root/etc/nginx" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  copy_binary "$root" "$x" "$x/usr/sbin/nginx" /usr/sbin/nginx
  printf '%s' "$nginx_conf" > "$root/etc/nginx/nginx.conf"
  # The master process runs as root (it binds the port); its worker as nobody, which glibc's
  # built-in files lookup finds in /etc/passwd and /etc/group (no nsswitch.conf needed).
  printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  # nginx handles TERM itself (fast shutdown: workers closed at once), also as PID 1.
  import_image "$ref" "$root" '["/usr/sbin/nginx", "-c", "/etc/nginx/nginx.conf"]' \
    'EXPOSE 4567'
}
if wanted berth-examples/nginx:1; then build_nginx; fi

docker image ls --filter "reference=berth-examples/*" >&2
