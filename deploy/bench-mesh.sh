#!/usr/bin/env bash
# The service networking issue's benchmark: the routing mesh against a direct connection, on a
# 3-node lab (deploy/lab.sh, docs/lab.md). One replica of berth-examples/nginx:1 (nginx answering
# its container's hostname; examples/images/build.sh) runs on node 1 (constraint
# node.hostname==lab-1) and publishes port 4567; from node 3's namespace (node 3 runs no task of
# it) wrk loads, round after round,
#   mesh    http://10.99.0.13:4567/      node 3's own address: the published port, forwarded by
#                                         node 3's rules to the task on node 1
#   direct  http://<task address>:4567/  the container itself, over the route to node 1's subnet
# in two modes each:
#   keepalive  wrk's default: every connection stays open for the whole run (the forwarding cost
#              per packet: the connection's translation is set up once)
#   close      a new connection per request (wrk -H 'Connection: close'): every request also pays
#              the connection setup, where the mesh's DNAT/masquerade rules are evaluated
# (within a mode the order of the paths alternates per round so that neither always runs second).
# Per run: requests/s and the median latency (wrk --latency); then per mode the medians per path
# and the ratios mesh/direct. The issue's target is a mesh throughput of at least 0.9x direct.
#
# Usage: deploy/bench-mesh.sh [--runs 5] [--duration 10] [--connections 32] [--threads 2]
#                             [--port 4567] [--image berth-examples/nginx:1] [--timeout 120]
#                             [--keep] [--reuse]
#   --runs N         rounds (each one run per path and mode)  --duration S   seconds per run
#   --connections N  wrk's open connections (-c)               --threads N    wrk's threads (-t)
#   --port P         the published (and container) port        --timeout S    wait for the task
#   --image IMAGE    the server: an image answering HTTP on --port (berth-examples/whoami:1, busybox
#                    httpd, forks per connection and closes every one: it measures the server)
#   --keep           leave the lab (and the service) running at the end
#   --reuse          measure on the lab that runs (no lab.sh up) and leave it running
# Run as root, with a built tree (mvn -DskipTests package). Installs wrk (and jq) when missing.
# Without --keep/--reuse the machine is left without a lab (lab.sh down, also on failure or Ctrl-C).
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "$0")/lib.sh"

runs=5 duration=10 connections=32 threads=2 port=4567 timeout=120 keep=false reuse=false
image=berth-examples/nginx:1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    --reuse) reuse=true; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done
for v in runs duration connections threads port timeout; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--$v must be a positive number"
done
[ "$threads" -le "$connections" ] || die "--threads ($threads) must not exceed --connections ($connections)"
[ "$port" -le 65535 ] || die "--port must be at most 65535"
[ -n "$image" ] || die "--image must name an image"
[ "$(id -u)" = 0 ] || die "the lab needs root"

# BERTH_LAB: another lab script with the same commands (a stand-in, to try this script without a lab).
LAB=${BERTH_LAB:-$BERTH_REPO/deploy/lab.sh}
SERVICE=bench-mesh
NODE3_ADDR=10.99.0.13
[ -f "$BERTH_REPO/modules/berth-cli/target/berth-cli.jar" ] || die "berth is not built: run mvn -q -DskipTests package in $BERTH_REPO"

# wrk drives the load; jq reads the tasks' JSON. Only what is missing is installed.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || die "could not install ${missing[*]}"
fi

lab_made=false
results=""
cleanup() {
  local rc=$?
  set +e
  [ -z "$results" ] || rm -f "$results"
  if $keep || $reuse; then
    $lab_made && log "the lab keeps running (deploy/lab.sh down removes it); service $SERVICE stays"
    $reuse && ! $keep && "$LAB" berth 1 service rm "$SERVICE" >/dev/null 2>&1
  else
    log "removing the lab"
    "$LAB" down >/dev/null 2>&1 || log "warning: lab.sh down failed; run it again by hand"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# lab.sh, quiet unless it fails (its progress lines would drown the figures).
lab() {
  local out
  if ! out=$("$LAB" "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    die "lab.sh $* failed (logs: /var/log/berth-lab/)"
  fi
  printf '%s' "$out"
}
berth() { lab berth 1 "$@"; }

# wrk's report on stdin -> "<requests/s> <p50 in ms> <errors>", errors = socket errors plus
# non-2xx/3xx answers (0 when wrk printed neither line).
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000
      if (v ~ /s$/) return v * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    /^ +50% / { p50 = ms($2) }
    /^ +Socket errors:/ { for (i = 3; i <= NF; i += 2) { gsub(/,/, "", $(i + 1)); errors += $(i + 1) } }
    /^ +Non-2xx or 3xx responses:/ { errors += $NF }
    END {
      if (rps == "" || p50 == "") exit 1
      printf "%s %.3f %d\n", rps, p50, errors
    }'
}

# Median of the numbers on stdin (one per line); the mean of the middle two for an even count.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The wrk options of mode $1: none for keepalive (wrk keeps its connections open), for close a
# header that makes the server close the connection after each answer (wrk then opens a new one).
mode_args() {
  case "$1" in
    keepalive) ;;
    close) printf '%s\n' -H 'Connection: close' ;;
  esac
}

# One wrk run from node 3 against $1 in mode $2 (for $3 seconds, default --duration); prints
# parse_wrk's line, or dies with wrk's output.
measure() {
  local url=$1 mode=$2 secs=${3:-$duration} out line
  local extra=()
  mapfile -t extra < <(mode_args "$mode")
  out=$("$LAB" exec 3 wrk -t"$threads" -c"$connections" -d"${secs}s" --latency "${extra[@]}" "$url" 2>&1) \
    || { printf '%s\n' "$out" >&2; die "wrk against $url failed"; }
  line=$(printf '%s\n' "$out" | parse_wrk) || { printf '%s\n' "$out" >&2; die "unreadable wrk output (above)"; }
  printf '%s\n' "$line"
}

# Waits until `curl` from node 3 gets an answer from $1 (the first lines of the mesh can take a
# moment: node 3 programs its rules when the task's address reaches it).
wait_answers() {
  local url=$1 deadline=$((SECONDS + timeout))
  until "$LAB" exec 3 curl -sf -m 2 -o /dev/null "$url" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || die "no answer from $url within ${timeout}s, from node 3"
    sleep 0.5
  done
}

# --- the lab and the service ------------------------------------------------------------------
start=$SECONDS
if $reuse; then
  "$LAB" exec 3 true >/dev/null 2>&1 || die "--reuse: no lab with a node 3 runs (deploy/lab.sh up 3)"
  "$LAB" berth 1 service rm "$SERVICE" >/dev/null 2>&1 || true
else
  log "lab.sh up 3"
  lab up 3 >/dev/null
  lab_made=true
fi

log "service $SERVICE: 1 replica of $image on lab-1, port $port"
berth service create --name "$SERVICE" -p "$port:$port" --constraint node.hostname==lab-1 \
  "$image" >/dev/null
# (JSON from the CLI's stdout only: lab() mixes in stderr.)
node1=$("$LAB" berth 1 get nodes -o json 2>/dev/null | jq -r '.items[] | select(.status.hostname == "lab-1") | .metadata.name')
[ -n "$node1" ] || die "no node with hostname lab-1 in the lab"

# The task's container address once it runs (status.address is set by node 1's agent).
task_address() {
  "$LAB" berth 1 get tasks -l "berth.service=$SERVICE" -o json 2>/dev/null | jq -r --arg node "$node1" '.items[]
    | select((.spec.desiredState | ascii_downcase) == "running" and (.status.state | ascii_downcase) == "running")
    | select(.spec.nodeId == $node and (.status.address // "") != "") | .status.address' | head -1
}
deadline=$((SECONDS + timeout))
address=""
until address=$(task_address) && [ -n "$address" ]; do
  [ "$SECONDS" -lt "$deadline" ] || { "$LAB" berth 1 service ps "$SERVICE" >&2 || true; die "the task did not run on lab-1 with an address within ${timeout}s"; }
  sleep 0.5
done
mesh_url="http://$NODE3_ADDR:$port/"
direct_url="http://$address:$port/"
log "task on lab-1 at $address; waiting until both paths answer from node 3"
wait_answers "$direct_url"
wait_answers "$mesh_url"

# No TIME_WAIT sockets in the server's network namespace. In the close mode the server closes
# every connection first and keeps its 4-tuple in TIME_WAIT for 60 s, while the one wrk client
# cycles through its ~28000 ephemeral ports in a few seconds: its new SYNs meet those sockets,
# and the kernel rejects part of them (PAWS), each costing the connection a 1 s SYN retransmit.
# The figures would then measure that artefact of a single client (thousands of connections a
# second from one address) and not the path, and unevenly: the mesh's masquerade picks source
# ports that conntrack has not seen lately, the direct path reuses them. Real servers see many
# clients. The sysctl is per network namespace (the task's own, set from outside: /proc/sys is
# read-only in a container) and applies to both paths alike.
# The address is the berth.network.address label of a container the agent linked itself, or its
# address on the engine's network when the agent let the engine attach it (no static busybox).
# shellcheck disable=SC2016 # expanded by node 1's shell
server_pid=$("$LAB" exec 1 sh -c 'docker inspect -f "{{.State.Pid}} {{index .Config.Labels \"berth.network.address\"}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}" $(docker ps -q)' 2>/dev/null \
  | sed 's#/[0-9]*##' \
  | awk -v a="$address" '{ for (i = 2; i <= NF; i++) if ($i == a) { print $1; exit } }')
[ -n "$server_pid" ] || die "no container with address $address on lab-1"
nsenter -t "$server_pid" -n sysctl -q -w net.ipv4.tcp_max_tw_buckets=0 \
  || die "could not set net.ipv4.tcp_max_tw_buckets in the task's network namespace"
log "ready after $((SECONDS - start)) s; warming up (2 s per path and mode)"
for mode in keepalive close; do
  measure "$mesh_url" "$mode" 2 >/dev/null
  measure "$direct_url" "$mode" 2 >/dev/null
done

# --- measuring --------------------------------------------------------------------------------
results=$(mktemp /tmp/bench-mesh.XXXXXX)
log "$runs rounds of $duration s per path and mode: wrk -t$threads -c$connections from node 3"
printf '%-6s %-10s %-7s %12s %12s %8s\n' round mode path "requests/s" "p50 ms" errors
for r in $(seq 1 "$runs"); do
  if [ $((r % 2)) = 1 ]; then order="mesh direct"; else order="direct mesh"; fi
  for mode in keepalive close; do
    for path in $order; do
      if [ "$path" = mesh ]; then url=$mesh_url; else url=$direct_url; fi
      line=$(measure "$url" "$mode")
      read -r rps p50 errors <<<"$line"
      printf '%-6s %-10s %-7s %12.1f %12.3f %8d\n' "$r" "$mode" "$path" "$rps" "$p50" "$errors"
      printf '%s %s %s %s %s\n' "$mode" "$path" "$rps" "$p50" "$errors" >>"$results"
    done
  done
done

# Column $3 of the runs of mode $1 and path $2.
col() { awk -v m="$1" -v p="$2" -v c="$3" '$1 == m && $2 == p { print $c }' "$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
errors=$(awk '{ e += $5 } END { print e + 0 }' "$results")

echo
echo "Routing mesh vs direct: $image, 1 replica on lab-1; wrk -t$threads -c$connections from lab-3,"
echo "medians of $runs runs of $duration s per path and mode (close: a new connection per request)."
printf '%-10s %-12s %14s %14s\n' mode "" "requests/s" "p50 latency ms"
verdicts=()
for mode in keepalive close; do
  mesh_rps=$(col "$mode" mesh 3 | median) direct_rps=$(col "$mode" direct 3 | median)
  mesh_p50=$(col "$mode" mesh 4 | median) direct_p50=$(col "$mode" direct 4 | median)
  rps_ratio=$(ratio "$mesh_rps" "$direct_rps")
  p50_ratio=$(ratio "$mesh_p50" "$direct_p50")
  printf '%-10s %-12s %14.1f %14.3f\n' "$mode" mesh "$mesh_rps" "$mesh_p50"
  printf '%-10s %-12s %14.1f %14.3f\n' "$mode" direct "$direct_rps" "$direct_p50"
  printf '%-10s %-12s %14s %14s\n' "$mode" mesh/direct "$rps_ratio" "$p50_ratio"
  if awk -v r="$rps_ratio" 'BEGIN { exit !(r + 0 >= 0.9) }'; then
    verdicts+=("$mode met ($rps_ratio)")
  else
    verdicts+=("$mode NOT met ($rps_ratio)")
  fi
done
[ "$errors" = 0 ] || echo "warning: $errors socket errors or non-2xx answers over all runs (see the table above)"
echo "target (mesh throughput >= 0.9x direct): ${verdicts[0]}, ${verdicts[1]}"
