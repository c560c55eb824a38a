#!/usr/bin/env bash
# The multi-node issue's benchmark: node loss, Berth vs a 3-node Docker Swarm, both on the lab
# (deploy/lab.sh: network namespaces with their own dockerd, docs/lab.md). For each system, on a
# fresh 3-node lab and for each run: a service of R replicas of berth-examples/sleep:1 spread 2/2/2,
# node 3 dies (lab.sh kill 3, or cut 3) and the clock starts; seconds until the system marks node 3
# down and until it counts R running replicas, none on node 3. Node 3 then comes back (revive or
# mend), and once it is ready again and 5 s have passed, the running containers of the service on
# the three engines must number R (no slot runs twice). Medians over the runs, side by side, and the
# ratio Berth/Swarm.
#
# Usage: deploy/bench-failover.sh [--runs 5] [--replicas 6] [--systems berth,swarm] [--mode kill|cut]
#                                 [--timeout 120]
# Run as root, with a built tree (mvn -DskipTests package). It removes any lab that runs (lab.sh up
# does) and always leaves the machine without one (lab.sh down, also on failure or Ctrl-C).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=5 replicas=6 systems=berth,swarm mode=kill timeout=120
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --systems) systems=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number"
[[ "$replicas" =~ ^[1-9][0-9]*$ ]] || die "--replicas must be a positive number"
[ "$mode" = kill ] || [ "$mode" = cut ] || die "--mode is kill or cut"
for s in ${systems//,/ }; do [ "$s" = berth ] || [ "$s" = swarm ] || die "unknown system $s (berth, swarm)"; done
[ "$(id -u)" = 0 ] || die "the lab needs root"

LAB="$BERTH_REPO/deploy/lab.sh"
bench_jar="$BERTH_REPO/modules/berth-bench/target/berth-bench.jar"
[ -f "$bench_jar" ] || die "berth-bench is not built: run mvn -q -DskipTests package in $BERTH_REPO"
results=$(mktemp /tmp/bench-failover.XXXXXX)

cleanup() {
  local rc=$?
  set +e
  log "removing the lab"
  "$LAB" down >/dev/null 2>&1 || log "warning: lab.sh down failed; run it again by hand"
  rm -f "$results" /tmp/bench-failover-image.$$.tar
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench() {
  java -Xmx512m -cp "$bench_jar:$BERTH_REPO/modules/berth-bench/target/lib/*" \
    dev.berth.bench.failover.NodeLossBenchmark "$@"
}
# lab.sh, quiet unless it fails (its progress lines would drown the figures).
lab() {
  local out
  if ! out=$("$LAB" "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    die "lab.sh $* failed (logs: /var/log/berth-lab/)"
  fi
}
node_docker() { local i=$1; shift; docker -H "unix:///run/berth-lab/$i/docker.sock" "$@"; }

# A swarm of the lab's three engines: node 1 the manager, 2 and 3 workers, each advertising its
# lab address. The example image is built into each engine by `docker import`, so its id differs
# per engine; node 1's is loaded into the others so that the service can name it by id (which
# spares Swarm a registry lookup: there is no registry in the lab).
make_swarm() {
  local out token i
  if ! out=$(node_docker 1 swarm init --advertise-addr 10.99.0.11 2>&1); then
    printf '%s\n' "$out" >&2
    tail -20 /var/log/berth-lab/1-dockerd.log >&2 || true
    die "docker swarm init failed on node 1 (log: /var/log/berth-lab/1-dockerd.log)"
  fi
  token=$(node_docker 1 swarm join-token -q worker)
  for i in 2 3; do
    node_docker "$i" swarm join --token "$token" --advertise-addr "10.99.0.1$i" 10.99.0.11:2377 >/dev/null \
      || die "node $i could not join the swarm (log: /var/log/berth-lab/$i-dockerd.log)"
  done
  node_docker 1 save berth-examples/sleep:1 >/tmp/bench-failover-image.$$.tar
  for i in 2 3; do node_docker "$i" load -q </tmp/bench-failover-image.$$.tar >/dev/null; done
  rm -f /tmp/bench-failover-image.$$.tar
}

if [ "$mode" = kill ]; then how="killed (lab.sh kill 3)"; else how="cut off (lab.sh cut 3)"; fi
log "node loss: $runs runs per system, $replicas replicas, node 3 $how, systems $systems"
for sys in ${systems//,/ }; do
  start=$(date +%s)
  if [ "$sys" = berth ]; then
    [ -f "$BERTH_REPO/modules/berth-cli/target/berth-cli.jar" ] || die "berth is not built: run mvn -q -DskipTests package"
    log "$sys: lab.sh up 3"
    lab up 3
  else
    log "$sys: lab.sh up 3 --no-berth, docker swarm init, 2 workers join"
    lab up 3 --no-berth
    make_swarm
  fi
  log "$sys: measuring"
  bench run --system "$sys" --runs "$runs" --replicas "$replicas" --mode "$mode" --timeout "$timeout" \
    --lab "$LAB" --results "$results"
  lab down
  log "$sys: done in $(($(date +%s) - start)) s"
done

echo
echo "Node loss ($mode), $replicas replicas on 3 lab nodes, medians of $runs runs; seconds from the blow"
echo "(node 3's dockerd dead, or its link down: checked every 2 ms) to the system marking node 3 down"
echo "and to all replicas running elsewhere, polled every 100 ms; 'back ready' counts from the"
echo "revive/mend call; 'no duplicates': runs with exactly $replicas running containers 5 s after node 3 was back."
bench report --results "$results"
