#!/usr/bin/env bash
# The agent issue's benchmark: on this machine's Docker engine, side by side in one run, N
# replicas of berth-examples/sleep:1 started by
#   engine  N containers created and started in parallel through the Docker API (the bound),
#   engine-nonet  the same without any engine networking (NetworkDisabled): the engine's part of
#           a Berth task, whose container the agent links to the node's bridge itself,
#   engine-net  (on request) the same, each on a user-defined bridge network with its own address
#           and DNS server: what a Berth node asked of its engine per task before its agent linked
#           containers itself,
#   swarm   Docker Swarm: docker swarm init, one service of N replicas, polled until all run,
#   berth   Berth: berth init --detach (a manager with its local agent), one service, followed
#           through the API's watch stream (--berth-observe poll: polled like Swarm);
# seconds to the first and to every replica running, medians over the runs and the ratios.
#
# Usage: deploy/bench-agent.sh [--sizes 10,50,100] [--runs 3] [--systems engine,engine-nonet,swarm,berth]
#                              [--threads 8] [--timeout 600] [--berth-observe watch|poll]
# Needs a built tree (mvn -DskipTests package) and a Docker engine (DOCKER_HOST is honoured).
# The engine is left as found: a swarm this script creates is left again (even on failure), every
# container and service it makes is removed, the Berth manager it starts is stopped and its
# temporary state directory deleted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sizes=10,50,100 runs=3 systems=engine,engine-nonet,swarm,berth threads=8 timeout=600 berth_observe=watch
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --systems) systems=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --berth-observe) berth_observe=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done
has() { [[ ",$systems," == *",$1,"* ]]; }

. "$(dirname "$0")/bench-lib.sh"
bench_prepare

cleanup() {
  local rc=$?
  bench_teardown
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if has swarm; then
  bench_start_swarm
fi

if has berth; then
  bench_start_berth
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
