#!/usr/bin/env bash
# The rollout issue's benchmark: on this machine's Docker engine, side by side in one run, a rolling
# update of N replicas (default 50) of berth-examples/sleep:1, a workload that exits at once on
# SIGTERM (run with an init process: --init / init: true), to a new image, P at a time (default 5)
# with no delay between batches, stop-first, by
#   engine  the bound: N containers, then batch after batch, P slots in parallel: stop the old
#           container (SIGTERM, wait for the exit), remove it, create and start the new one,
#   engine-net  the same, each container on a user-defined bridge network with its own address and
#           DNS server: the work a Berth node asks of its engine for a task on the cluster network,
#   swarm   Docker Swarm: docker swarm init, one service of N replicas, docker service update of its
#           image (--update-parallelism P --update-delay 0s --update-monitor M), polled,
#   berth   Berth: berth init --detach (a manager with its local agent), apply -f of a Service with
#           update {parallelism: P, delay: 0s, monitor: M}, then apply -f of it with the new image,
#           polled until the rollout of the new revision is completed;
# seconds until every replica runs the new image and until the rollout is complete, medians over
# the runs and the ratios berth/engine, berth/engine-net and berth/swarm.
#
# Usage: deploy/bench-rollout.sh [--runs 3] [--replicas 50] [--parallelism 5] [--monitor 0s]
#                                [--systems engine,engine-net,swarm,berth] [--timeout 600]
# --monitor is how long Swarm and Berth watch each new task before counting it a success (0s: no
# wait at the end of the rollout; Swarm's and Berth's default is 5s). Swarm reads a monitor of 0 as
# unset, i.e. its 5s default: 0s is sent to Swarm as 1ns.
# The new image is berth-bench/sleep:2: berth-examples/sleep:1 with one more environment variable,
# so that its id differs (Swarm is given image ids, to skip registry pulls).
# Needs a built tree (mvn -DskipTests package) and a Docker engine (DOCKER_HOST is honoured).
# The engine is left as found: a swarm this script creates is left again (even on failure), every
# container and service it makes is removed, as is the image berth-bench/sleep:2 when it made it, the
# Berth manager it starts is stopped and its temporary state directory deleted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=3 replicas=50 parallelism=5 monitor=0s systems=engine,engine-net,swarm,berth timeout=600
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --parallelism) parallelism=$2; shift 2 ;;
    --monitor) monitor=$2; shift 2 ;;
    --systems) systems=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done
has() { [[ ",$systems," == *",$1,"* ]]; }
[[ "$replicas" =~ ^[1-9][0-9]*$ ]] || die "--replicas must be a positive number, not $replicas"
[[ "$parallelism" =~ ^[0-9]+$ ]] || die "--parallelism must be 0 (all at once) or more, not $parallelism"
[[ "$monitor" =~ ^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$|^0$ ]] || die "--monitor must be a duration like 0s, 500ms or 5s, not $monitor"

. "$(dirname "$0")/bench-lib.sh"
bench_prepare
old_image=berth-examples/sleep:1 new_image=berth-bench/sleep:2
image_made=false

cleanup() {
  local rc=$?
  bench_teardown
  if $image_made; then
    docker image rm "$new_image" >/dev/null
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The "new version": the same workload with one more environment variable, so that the image id
# differs (a second tag of the same image would be no change at all to Swarm, which runs ids).
if [ -z "$(docker image inspect --format '{{.Id}}' "$new_image" 2>/dev/null)" ]; then
  log "making $new_image from $old_image"
  image_made=true
  made=$(docker create --label dev.berth.bench=image "$old_image")
  docker commit --change 'ENV BERTH_BENCH_VERSION=2' "$made" "$new_image" >/dev/null \
    || { docker rm "$made" >/dev/null; die "could not make $new_image"; }
  docker rm "$made" >/dev/null
fi

if has swarm; then
  bench_start_swarm
fi

if has berth; then
  bench_start_berth
fi

log "running: $replicas replicas, parallelism $parallelism, delay 0s, monitor $monitor, $runs runs, systems $systems"
java -Xmx1g -cp "$bench_jar:$BERTH_REPO/modules/berth-bench/target/lib/*" dev.berth.bench.rollout.RollingUpdateBenchmark \
  --docker-host "$docker_host" --berth-url "${berth_url:-http://127.0.0.1:4243}" --systems "$systems" \
  --runs "$runs" --replicas "$replicas" --parallelism "$parallelism" --monitor "$monitor" \
  --image "$old_image" --new-image "$new_image" --timeout "$timeout"
