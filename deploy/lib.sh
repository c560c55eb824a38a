# Shared helpers for Berth's scripts; sourced, not run.
# shellcheck shell=bash

BERTH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BERTH_REPO

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" = 0 ] || die "run this as root (it installs packages): sudo $0 $*"
}

# Installs the Debian packages Berth needs, only those that are missing.
#   etcd-server      the embedded etcd the manager supervises (and the tests' etcd)
#   openjdk-17-jdk-headless, maven   to build and run Berth
#   docker.io        the container engine agents run tasks on
#   iptables         virtual IPs and the routing mesh (kernel DNAT)
#   iproute2         routes to the other nodes' container subnets
#   busybox-static   the root file system of the example images (no registry needed)
install_packages() {
  local missing=()
  command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # --no-install-recommends keeps the machine lean; policy-rc.d stops Debian's etcd unit from
    # starting its own etcd on 2379 where a service manager exists (Berth runs its own).
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
  java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || die "Java 17 or newer is required"
}

build() {
  log "building Berth (mvn package)"
  (cd "$BERTH_REPO" && mvn -B -q -DskipTests package) || die "build failed"
}

# Starts the Docker engine if none answers on /var/run/docker.sock (machines without a service
# manager, CI). Its log goes to /var/log/berth-dockerd.log.
ensure_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if command -v systemctl >/dev/null 2>&1 && systemctl start docker >/dev/null 2>&1 \
      && docker info >/dev/null 2>&1; then
    return 0
  fi
  log "starting dockerd"
  nohup dockerd >/var/log/berth-dockerd.log 2>&1 &
  for _ in $(seq 1 100); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  tail -20 /var/log/berth-dockerd.log >&2
  die "dockerd did not start (log: /var/log/berth-dockerd.log)"
}
