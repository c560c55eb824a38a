#!/usr/bin/env bash
# The agent issue's benchmark: on this machine's Docker engine, side by side in one run, N
# replicas of berth-examples/sleep:1 started by
#   engine  N containers created and started in parallel through the Docker API (the bound),
#   engine-net  the same, each on a user-defined bridge network with its own address and DNS
#           server: what a Berth node asked of its engine per task before its agent linked
#           containers itself,
#   swarm   Docker Swarm: docker swarm init, one service of N replicas, polled until all run,
#   berth   Berth: berth init --detach (a manager with its local agent), one service, followed
#           through the API's watch stream (--berth-observe poll: polled like Swarm);
# seconds to the first and to every replica running, medians over the runs and the ratios.
#
# Usage: deploy/bench-agent.sh [--sizes 10,50,100] [--runs 3] [--systems engine,engine-net,swarm,berth]
#                              [--threads 8] [--timeout 600] [--berth-observe watch|poll]
# Needs a built tree (mvn -DskipTests package) and a Docker engine (DOCKER_HOST is honoured).
# The engine is left as found: a swarm this script creates is left again (even on failure), every
# container and service it makes is removed, the Berth manager it starts is stopped and its
# temporary state directory deleted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sizes=10,50,100 runs=3 systems=engine,engine-net,swarm,berth threads=8 timeout=600 berth_observe=watch
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --systems) systems=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --berth-observe) berth_observe=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done
has() { [[ ",$systems," == *",$1,"* ]]; }

docker_host=${DOCKER_HOST:-unix:///var/run/docker.sock}
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker engine answers at $docker_host"
bench_jar="$BERTH_REPO/modules/berth-bench/target/berth-bench.jar"
[ -f "$bench_jar" ] || die "berth-bench is not built: run mvn -q -DskipTests package in $BERTH_REPO"
"$BERTH_REPO/examples/images/build.sh"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

swarm_made=false
berth_state=""
berth_url=""
berth() { HOME="$berth_state/home" "$BERTH_REPO/bin/berth" --host "$berth_url" "$@"; }

# Waits until no container's name starts with $1 (Swarm and Berth name them <service>.<slot>.<task>).
wait_no_containers() {
  local i
  for i in $(seq 1 600); do
    [ -z "$(docker ps -aq --filter "name=^/$1")" ] && return 0
    sleep 0.5
  done
  return 1
}

cleanup() {
  local rc=$?
  set +e
  docker ps -aq --filter label=dev.berth.bench | xargs -r docker rm -f >/dev/null
  if [ -n "$berth_state" ]; then
    if [ -n "$berth_url" ]; then
      for s in $(curl -s "$berth_url/api/v1/services" | grep -o '"name":"bench-berth-[^"]*"' | cut -d'"' -f4); do
        curl -s -X DELETE "$berth_url/api/v1/services/$s" >/dev/null
      done
      wait_no_containers bench-berth- || true
    fi
    log "stopping Berth (state in $berth_state)"
    HOME="$berth_state/home" "$BERTH_REPO/bin/berth" stop --state-dir "$berth_state" >/dev/null
    # a stopped agent leaves its containers; none of the benchmark's may outlive it
    docker ps -aq --filter name=^/bench-berth- | xargs -r docker rm -f >/dev/null
    rm -rf "$berth_state"
  fi
  if $swarm_made; then
    docker service ls -q --filter name=bench-swarm- | xargs -r docker service rm >/dev/null
    wait_no_containers bench-swarm- || true
    log "leaving the swarm this script created"
    docker swarm leave --force >/dev/null
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if has swarm; then
  case "$(docker info --format '{{.Swarm.LocalNodeState}}')" in
    inactive)
      log "docker swarm init --advertise-addr 127.0.0.1"
      docker swarm init --advertise-addr 127.0.0.1 >/dev/null
      swarm_made=true ;;
    active) log "the engine is already a swarm node: using it as it is" ;;
    *) die "the engine's swarm state is $(docker info --format '{{.Swarm.LocalNodeState}}'): fix it or leave swarm out (--systems)" ;;
  esac
fi

if has berth; then
  berth_state=$(mktemp -d /tmp/berth-bench.XXXXXX)
  mkdir -p "$berth_state/home"
  api_port=$(free_port)
  berth_url="http://127.0.0.1:$api_port"
  log "berth init --detach (state in $berth_state, API $berth_url)"
  HOME="$berth_state/home" "$BERTH_REPO/bin/berth" init --detach --state-dir "$berth_state" \
    --listen-addr "127.0.0.1:$api_port" --cluster-listen-addr "127.0.0.1:$(free_port)" --etcd-client-port "$(free_port)" --etcd-peer-port "$(free_port)" --docker-host "$docker_host" >/dev/null \
    || die "berth init failed (log: $berth_state/manager.log)"
  # The Berth figures mean something only if its agent runs tasks: check with one replica first.
  berth service create --name bench-berth-probe berth-examples/sleep:1 >/dev/null
  ok=false
  for _ in $(seq 1 120); do
    if curl -s "$berth_url/api/v1/tasks?labelSelector=berth.service%3Dbench-berth-probe" | grep -qi '"state":"running"'; then
      ok=true; break
    fi
    sleep 0.5
  done
  berth service rm bench-berth-probe >/dev/null || true
  wait_no_containers bench-berth-probe. || true
  if ! $ok; then
    log "Berth's probe task did not reach Running within 60 s: leaving Berth out"
    berth service ps bench-berth-probe >&2 || true
    systems=$(echo ",$systems," | sed 's/,berth,/,/; s/^,//; s/,$//')
  fi
fi

log "running: sizes $sizes, $runs runs, systems $systems"
java -Xmx1g -cp "$bench_jar:$BERTH_REPO/modules/berth-bench/target/lib/*" dev.berth.bench.startup.ServiceStartBenchmark \
  --docker-host "$docker_host" --berth-url "${berth_url:-http://127.0.0.1:4243}" --systems "$systems" \
  --sizes "$sizes" --runs "$runs" --threads "$threads" --timeout "$timeout" --berth-observe "$berth_observe"
