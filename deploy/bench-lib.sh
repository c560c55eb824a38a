# Shared parts of the single-engine benchmarks (bench-agent.sh, bench-rollout.sh); sourced after
# lib.sh, not run. They compare Berth and Docker Swarm on this machine's engine and must leave the
# engine as they found it: bench_teardown (from the scripts' EXIT trap) removes what they made.
# shellcheck shell=bash

# The engine, the built benchmark and the example images; sets docker_host and bench_jar.
bench_prepare() {
  docker_host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker engine answers at $docker_host"
  bench_jar="$BERTH_REPO/modules/berth-bench/target/berth-bench.jar"
  [ -f "$bench_jar" ] || die "berth-bench is not built: run mvn -q -DskipTests package in $BERTH_REPO"
  "$BERTH_REPO/examples/images/build.sh"
}

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
  for _ in $(seq 1 600); do
    [ -z "$(docker ps -aq --filter "name=^/$1")" ] && return 0
    sleep 0.5
  done
  return 1
}

# Makes the engine a single-node swarm unless it is one already (then it is used as it is).
bench_start_swarm() {
  case "$(docker info --format '{{.Swarm.LocalNodeState}}')" in
    inactive)
      log "docker swarm init --advertise-addr 127.0.0.1"
      swarm_made=true
      docker swarm init --advertise-addr 127.0.0.1 >/dev/null ;;
    active) log "the engine is already a swarm node: using it as it is" ;;
    *) die "the engine's swarm state is $(docker info --format '{{.Swarm.LocalNodeState}}'): fix it or leave swarm out (--systems)" ;;
  esac
}

# Starts a Berth manager with its local agent on the engine, in a temporary state directory on
# free ports; sets berth_state and berth_url.
bench_start_berth() {
  berth_state=$(mktemp -d /tmp/berth-bench.XXXXXX)
  mkdir -p "$berth_state/home"
  local api_port
  api_port=$(free_port)
  berth_url="http://127.0.0.1:$api_port"
  log "berth init --detach (state in $berth_state, API $berth_url)"
  HOME="$berth_state/home" "$BERTH_REPO/bin/berth" init --detach --state-dir "$berth_state" \
    --listen-addr "127.0.0.1:$api_port" --cluster-listen-addr "127.0.0.1:$(free_port)" --etcd-client-port "$(free_port)" --etcd-peer-port "$(free_port)" --docker-host "$docker_host" >/dev/null \
    || die "berth init failed (log: $berth_state/manager.log)"
}

# Removes what the benchmark made: its containers and networks, the Berth it started (services
# first, so no container outlives it), and the swarm it created. For an EXIT trap: never fails.
bench_teardown() {
  set +e
  docker ps -aq --filter label=dev.berth.bench | xargs -r docker rm -f >/dev/null
  docker network ls -q --filter label=dev.berth.bench | xargs -r docker network rm >/dev/null
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
}
