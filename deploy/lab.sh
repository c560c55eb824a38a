#!/usr/bin/env bash
# The Berth lab: N "servers" on this machine, each a network namespace with its own Docker engine
# (and containerd) and a Berth node, joined by a host bridge. For multi-node tests and benchmarks
# without VMs. Run as root. Details, addresses and debugging: docs/lab.md.
#
# Usage: deploy/lab.sh COMMAND [ARGS]
#   up N [--no-berth]  tear down whatever an earlier lab left, then start N nodes: node 1 runs
#                      `berth init` (manager + etcd + agent), nodes 2..N a Berth agent. With
#                      --no-berth only the namespaces and Docker engines (e.g. for a Swarm)
#   add                add node N+1 to the running lab (same mode as `up`); prints its index
#   down               stop and remove everything of the lab (processes, mounts, namespaces,
#                      links, bridge, iptables rules, data); the host's own Docker is left alone
#   status             per node: namespace, address, Docker engine and Berth alive or not
#   exec I CMD...      run CMD in node I's namespace (DOCKER_HOST, BERTH_HOST set for that node)
#   berth I ARGS...    run bin/berth in node I's namespace
#   kill I             crash node I: SIGKILL its Berth processes, dockerd, containerd, shims and
#                      containers; its namespace, address and data stay
#   revive I           start node I's dockerd and Berth again (same state dir: same node id)
#   crash-berth I      SIGKILL only node I's Berth processes (on node 1: manager, etcd and its
#                      agent); its engine and containers keep running
#   restart-berth I    start node I's Berth again after crash-berth (same state dir)
#   cut I              partition node I (its link goes down; its processes keep running)
#   mend I             bring node I's link back up
#
# Node I (1-based): namespace berth-lab-I, address 10.99.0.(10+I)/24 on bridge berthlab0
# (10.99.0.1), engine unix:///run/berth-lab/I/docker.sock, containers on 10.98.I.0/24, data in
# /var/lib/berth-lab/I, logs in /var/log/berth-lab (kept by `down`, cleared by `up`).
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "$0")/lib.sh"

BRIDGE=berthlab0
BRIDGE_ADDR=10.99.0.1
# The nodes' cluster DNS forwards outside names here: the host side of the lab bridge, where a
# test may run a stub DNS server. Never the host's own resolvers: the lab sends no traffic beyond
# the machine.
DNS_UPSTREAM=$BRIDGE_ADDR:5300
LAB_STATE=/var/lib/berth-lab
LAB_RUN=/run/berth-lab
LAB_LOG=/var/log/berth-lab
NETNS_DIR=/var/run/netns
# Marks the host FORWARD rule as the lab's, so that `down` removes exactly that rule.
FWD_COMMENT="berth-lab bridge"
MANAGER_API_PORT=4243
CLUSTER_PORT=4242
DOCKER_TIMEOUT=${BERTH_LAB_DOCKER_TIMEOUT:-60}
# How long `up` waits for every agent to show in the manager's node list.
NODES_TIMEOUT=${BERTH_LAB_NODES_TIMEOUT:-90}
BERTH="$BERTH_REPO/bin/berth"
# Mutating commands take this lock (outside $LAB_RUN, which `down` deletes) so that two of them
# never interleave, e.g. a test's teardown and a person's `up`. Daemons are started with its file
# descriptor (9) closed: they would hold the lock for as long as they live.
LOCK_FILE=/run/berth-lab.lock

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }

# --- naming ---------------------------------------------------------------------------------
ns_name() { echo "berth-lab-$1"; }
veth_name() { echo "blab-$1"; }
node_addr() { echo "10.99.0.$((10 + $1))"; }
docker_host() { echo "unix://$LAB_RUN/$1/docker.sock"; }
manager_addr() { node_addr 1; }

lablog() {
  log "$*"
  mkdir -p "$LAB_LOG"
  printf '%s %s\n' "$(date '+%F %T')" "$*" >>"$LAB_LOG/lab.log"
}

check_index() {
  [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] && [ "$1" -le 200 ] || die "node index must be 1..200, got '${1:-}' (try --help)"
}

# Indices of the lab's nodes, from whatever exists (namespaces, data or run dirs), sorted.
lab_nodes() {
  {
    ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^berth-lab-\([0-9]\+\)$/\1/p'
    for d in "$LAB_STATE" "$LAB_RUN"; do
      [ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -E '^[0-9]+$'
      true
    done
    true
  } | sort -n -u
}

require_node() {
  check_index "$1"
  [ -e "$NETNS_DIR/$(ns_name "$1")" ] || die "node $1 does not exist (deploy/lab.sh status)"
}

berth_enabled() { [ ! -e "$LAB_RUN/no-berth" ]; }

# Runs "$@" in node $1's network namespace only. nsenter, not `ip netns exec`: the latter also
# remounts /sys in a private mount namespace, and dockerd fails there.
in_ns() {
  local i=$1
  shift
  nsenter --net="$NETNS_DIR/$(ns_name "$i")" "$@"
}

# The environment of a command "on" node $1: its engine, the lab's manager, and a home of its own
# (berth init writes ~/.berth/config; the host's config must stay the host's).
node_env() {
  local i=$1
  mkdir -p "$LAB_STATE/$i/home"
  echo "HOME=$LAB_STATE/$i/home" "DOCKER_HOST=$(docker_host "$i")" \
    "BERTH_HOST=http://$(manager_addr):$MANAGER_API_PORT"
}

# --- processes ------------------------------------------------------------------------------
# Pids of node $1's processes: everything in its namespace (dockerd, containerd, shims,
# docker-proxy, Berth, etcd), everything whose command line names its directories (in case the
# namespace is already gone), and the processes of its containers, found by their cgroup (each
# lab engine puts its containers under the cgroup parent berth-lab-I; they live in namespaces of
# their own, so the first two rules miss them). Never this script or its callers.
node_pids() {
  local i=$1 ns pid cmd
  ns=$(ns_name "$i")
  {
    [ -e "$NETNS_DIR/$ns" ] && ip netns pids "$ns" 2>/dev/null
    for pid in /proc/[0-9]*; do
      pid=${pid#/proc/}
      cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
      case "$cmd" in
        *lab.sh*) ;; # a lab.sh of ours (e.g. `lab.sh exec 1 ls /var/lib/berth-lab/1`)
        *"$LAB_STATE/$i/"* | *"$LAB_RUN/$i/"*) echo "$pid" ;;
      esac
    done
    # cgroup v1 (one hierarchy per controller) and v2 (one unified hierarchy)
    cat /sys/fs/cgroup/*/"$ns"/cgroup.procs /sys/fs/cgroup/*/"$ns"/*/cgroup.procs \
      /sys/fs/cgroup/"$ns"/cgroup.procs /sys/fs/cgroup/"$ns"/*/cgroup.procs 2>/dev/null
    true
  } | sort -n -u | grep -vxE "$$|$BASHPID|$PPID" || true
}

# SIGKILLs pids, all stopped first so that none of them reacts to the others' deaths (a dockerd
# seeing its containers die, an agent reporting failed tasks): the node dies at one instant.
kill_pids() {
  [ $# -gt 0 ] || return 0
  kill -STOP "$@" 2>/dev/null || true
  kill -KILL "$@" 2>/dev/null || true
  local _ p alive
  for _ in $(seq 1 100); do
    alive=false
    for p in "$@"; do
      # a zombie (state Z) is dead already, waiting for its parent
      if [ -e "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]; then alive=true; fi
    done
    $alive || return 0
    sleep 0.1
  done
  log "warning: some processes did not die: $*"
}

# Lazily unmounts everything mounted under the given directories, deepest first: container root
# file systems (overlay), network namespace bind mounts a killed dockerd left behind.
unmount_under() {
  local dir m
  for dir in "$@"; do
    for m in $(awk '{print $5}' /proc/self/mountinfo | { grep -E "^$dir(/|$)" || true; } | sort -r); do
      umount -l "$m" 2>/dev/null || true
    done
  done
}

# Removes the cgroups node $1's engine made for its containers (empty once they are dead).
remove_cgroups() {
  local ns
  ns=$(ns_name "$1")
  find /sys/fs/cgroup/*/"$ns" /sys/fs/cgroup/"$ns" -depth -type d -exec rmdir {} \; 2>/dev/null || true
}

# After node $1 died: what its dead engine leaves behind. The veths of its containers stay in
# its namespace (their other ends are in container namespaces kept alive by bind mounts), and a
# new dockerd could hand their addresses out again; mounts and pid files would confuse it.
clean_dead_node() {
  local i=$1 ns link
  ns=$(ns_name "$i")
  unmount_under "$LAB_RUN/$i" "$LAB_STATE/$i"
  if [ -e "$NETNS_DIR/$ns" ]; then
    for link in $(ip -n "$ns" -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
      [ "$link" = eth0 ] || ip -n "$ns" link del "$link" 2>/dev/null || true
    done
  fi
  remove_cgroups "$i"
  # dockerd trusts containerd's pid file: a pid reused by another process since (they wrap fast
  # on a busy machine) makes it wait for a containerd that is not there, and give up.
  rm -f "$LAB_RUN/$i/docker.pid" "$LAB_RUN/$i/docker.sock" "$LAB_RUN/$i/agent.pid" \
    "$LAB_RUN/$i/docker/containerd/containerd.pid"
  # berth init takes a live pid in its pid file for a running manager (another berth may own it)
  rm -f "$LAB_STATE/$i/berth/manager.pid"
}

# --- network --------------------------------------------------------------------------------
setup_bridge() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr replace "$BRIDGE_ADDR/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # With br_netfilter loaded, frames between two ports of a bridge traverse the host's FORWARD
  # chain, whose policy Docker sets to DROP: the nodes could not talk to each other. The rule is
  # added even when br_netfilter is not loaded yet, because a lab dockerd may load it later.
  if ! iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$FWD_COMMENT" -j ACCEPT 2>/dev/null; then
    iptables -I FORWARD 1 -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$FWD_COMMENT" -j ACCEPT
  fi
}

setup_node_net() {
  local i=$1 ns veth addr
  ns=$(ns_name "$i")
  veth=$(veth_name "$i")
  addr=$(node_addr "$i")
  [ -e "$NETNS_DIR/$ns" ] || ip netns add "$ns"
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip -n "$ns" link del eth0 2>/dev/null || true
    ip link add "$veth" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$veth" master "$BRIDGE"
  ip link set "$veth" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr replace "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "$BRIDGE_ADDR"
}

# --- Docker ---------------------------------------------------------------------------------
# Starts node $1's dockerd in its namespace, in its own session (it outlives this script). It
# runs its own containerd under its exec-root (no system containerd socket is used: the host's
# engine also runs a managed one), and puts its containers under the cgroup parent berth-lab-I
# so that `kill` finds them (cgroupfs driver: with systemd's, a parent must be a .slice).
start_dockerd() {
  local i=$1
  mkdir -p "$LAB_STATE/$i/docker" "$LAB_RUN/$i/docker" "$LAB_LOG"
  # An empty config file: the host's /etc/docker/daemon.json (hosts, data-root...) must not apply.
  echo '{}' >"$LAB_RUN/$i/daemon.json"
  rm -f "$LAB_RUN/$i/docker.pid" "$LAB_RUN/$i/docker.sock"
  setsid nohup nsenter --net="$NETNS_DIR/$(ns_name "$i")" dockerd \
    --config-file "$LAB_RUN/$i/daemon.json" \
    --data-root "$LAB_STATE/$i/docker" \
    --exec-root "$LAB_RUN/$i/docker" \
    -H "$(docker_host "$i")" \
    --pidfile "$LAB_RUN/$i/docker.pid" \
    --bip "10.98.$i.1/24" \
    --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "$(ns_name "$i")" \
    >>"$LAB_LOG/$i-dockerd.log" 2>&1 </dev/null 9>&- &
}

docker_answers() {
  timeout 5 docker -H "$(docker_host "$1")" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

wait_dockerd() {
  local i=$1 _
  for _ in $(seq 1 $((DOCKER_TIMEOUT * 5))); do
    docker_answers "$i" && return 0
    sleep 0.2
  done
  tail -20 "$LAB_LOG/$i-dockerd.log" >&2 || true
  die "node $i's dockerd did not answer within ${DOCKER_TIMEOUT}s (log: $LAB_LOG/$i-dockerd.log)"
}

# The example images, built into node $1's engine (the build script honours DOCKER_HOST).
load_images() {
  local i=$1
  DOCKER_HOST=$(docker_host "$i") "$BERTH_REPO/examples/images/build.sh" >>"$LAB_LOG/$i-images.log" 2>&1 \
    || die "building the example images into node $i failed (log: $LAB_LOG/$i-images.log)"
}

# --- Berth ----------------------------------------------------------------------------------
# Node 1: the manager (with etcd and its own agent), in the background (init --detach).
init_manager() {
  local out
  # shellcheck disable=SC2046
  if ! out=$(in_ns 1 env $(node_env 1) "$BERTH" init --detach --state-dir "$LAB_STATE/1/berth" \
      --docker-host "$(docker_host 1)" --advertise-addr "$(manager_addr)" --hostname lab-1 \
      --listen-addr "0.0.0.0:$MANAGER_API_PORT" --cluster-listen-addr "0.0.0.0:$CLUSTER_PORT" \
      --dns-upstream "$DNS_UPSTREAM" 2>&1 9>&-); then
    printf '%s\n' "$out" >&2
    die "berth init failed on node 1 (log: $LAB_STATE/1/berth/manager.log)"
  fi
  lablog "berth init on node 1: $out"
  # The worker token, for the joins (what `berth init` printed says the same).
  # shellcheck disable=SC2046
  in_ns 1 env $(node_env 1) "$BERTH" join-token worker -q 9>&- >"$LAB_RUN/join-token" \
    || die "berth join-token failed on node 1"
}

# Makes node $1 (2..N) a member of the cluster, as a new server joins one: `berth join` with the
# worker token and the manager's cluster address, its agent in the background.
join_node() {
  local i=$1 out
  mkdir -p "$LAB_STATE/$i/berth" "$LAB_RUN/$i" "$LAB_LOG"
  # shellcheck disable=SC2046
  if ! out=$(in_ns "$i" env $(node_env "$i") "$BERTH" join --detach --token "$(cat "$LAB_RUN/join-token")" \
      --state-dir "$LAB_STATE/$i/berth" --docker-host "$(docker_host "$i")" \
      --advertise-addr "$(node_addr "$i")" --hostname "lab-$i" --dns-upstream "$DNS_UPSTREAM" \
      "$(manager_addr):$CLUSTER_PORT" 2>&1 9>&-); then
    printf '%s\n' "$out" >&2
    die "berth join failed on node $i (log: $LAB_STATE/$i/berth/agent.log)"
  fi
  lablog "berth join on node $i: $out"
  cp "$LAB_STATE/$i/berth/agent.pid" "$LAB_RUN/$i/agent.pid"
}

# Starts node $1's agent again after a crash: the node id, certificate, manager addresses and the
# flags it joined with are in its state dir (what `berth join` wrote), so `--state-dir` is all it
# needs to come back as the same node, as on a rebooted server.
restart_agent() {
  local i=$1
  # shellcheck disable=SC2046
  setsid nohup nsenter --net="$NETNS_DIR/$(ns_name "$i")" env $(node_env "$i") "$BERTH" agent \
    --state-dir "$LAB_STATE/$i/berth" >>"$LAB_LOG/$i-agent.log" 2>&1 </dev/null 9>&- &
  # No fork in between (setsid does not fork outside a process group leader, nsenter/env/bin/berth
  # exec), so $! is the agent's JVM.
  echo $! >"$LAB_RUN/$i/agent.pid"
}

# Berth on node $1 after a revive: the manager restarts on its state, an agent rejoins as itself.
start_berth() {
  if [ "$1" = 1 ]; then init_manager; else restart_agent "$1"; fi
}

# The pid of node $1's Berth (manager or agent), if it runs.
berth_pid() {
  local i=$1 f pid
  if [ "$i" = 1 ]; then f=$LAB_STATE/1/berth/manager.pid; else f=$LAB_RUN/$i/agent.pid; fi
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$LAB_STATE/$i/" \
    && echo "$pid"
}

# How many nodes the manager lists (0 if it does not answer).
manager_node_count() {
  local body
  body=$(in_ns 1 curl -fsS --max-time 3 "http://127.0.0.1:$MANAGER_API_PORT/api/v1/nodes" 2>/dev/null) \
    || { echo 0; return 0; }
  { grep -o '"kind":"Node"' <<<"$body" || true; } | wc -l
}

wait_nodes() {
  local want=$1 _ have=0
  for _ in $(seq 1 $((NODES_TIMEOUT * 2))); do
    have=$(manager_node_count)
    [ "$have" -ge "$want" ] && return 0
    sleep 0.5
  done
  die "the manager lists $have nodes, not $want, after ${NODES_TIMEOUT}s (logs: $LAB_LOG/*-agent.log, $LAB_STATE/1/berth/manager.log)"
}

# --- commands -------------------------------------------------------------------------------
cmd_down() {
  local i pids=() link
  lablog "down: stopping the lab"
  for i in $(lab_nodes); do
    mapfile -t -O "${#pids[@]}" pids < <(node_pids "$i")
  done
  # containers of a node whose namespace and directories are gone already (a half-done down)
  mapfile -t -O "${#pids[@]}" pids < <(find /sys/fs/cgroup/ -maxdepth 4 -path '*/berth-lab-[0-9]*/*' \
    -name cgroup.procs -exec cat {} + 2>/dev/null || true)
  kill_pids "${pids[@]}"
  unmount_under "$LAB_RUN" "$LAB_STATE"
  for i in $(lab_nodes); do remove_cgroups "$i"; done
  # cgroups of nodes whose directories are gone already
  local cg
  for cg in $(find /sys/fs/cgroup/ -maxdepth 2 -type d -name 'berth-lab-[0-9]*' 2>/dev/null); do
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  for i in $(ip netns list 2>/dev/null | awk '{print $1}' | { grep -E '^berth-lab-[0-9]+$' || true; }); do
    ip netns del "$i" 2>/dev/null || true
  done
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | { grep -E '^blab-[0-9]+$' || true; }); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  while iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$FWD_COMMENT" -j ACCEPT 2>/dev/null; do :; done
  rm -rf --one-file-system "$LAB_STATE" "$LAB_RUN"
  lablog "down: done"
}

# Brings node $1 up: network, engine (waited for), images. Berth is started by the caller.
node_up() {
  local i=$1
  setup_node_net "$i"
  start_dockerd "$i"
}

cmd_up() {
  local n=${1:-} flag=${2:-} i start pids=()
  [[ "$n" =~ ^[1-9][0-9]*$ ]] && [ "$n" -le 200 ] || die "usage: deploy/lab.sh up N [--no-berth] (N: 1..200)"
  [ -z "$flag" ] || [ "$flag" = --no-berth ] || die "unknown option: $flag (try --help)"
  command -v dockerd >/dev/null && command -v docker >/dev/null || die "dockerd and the docker CLI are needed"
  if [ -z "$flag" ] && [ ! -f "$BERTH_REPO/modules/berth-cli/target/berth-cli.jar" ]; then
    die "berth is not built: run mvn -q -DskipTests package (in $BERTH_REPO), or use --no-berth"
  fi
  start=$(date +%s%N)
  cmd_down
  mkdir -p "$LAB_LOG"
  rm -f "$LAB_LOG"/*.log
  lablog "up: $n nodes${flag:+ ($flag)}"
  mkdir -p "$LAB_STATE" "$LAB_RUN"
  [ -z "$flag" ] || touch "$LAB_RUN/no-berth"
  setup_bridge
  # Engines start in parallel (each takes a few seconds), then each is waited for and loaded.
  for i in $(seq 1 "$n"); do node_up "$i"; done
  for i in $(seq 1 "$n"); do wait_dockerd "$i"; done
  lablog "up: $n Docker engines answer; loading the example images"
  for i in $(seq 1 "$n"); do load_images "$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i" || die "loading the example images failed (logs: $LAB_LOG/*-images.log)"; done
  if berth_enabled; then
    init_manager
    for i in $(seq 2 "$n"); do join_node "$i"; done
    wait_nodes "$n"
    lablog "up: the manager lists $n nodes"
  fi
  local ms=$((($(date +%s%N) - start) / 1000000))
  lablog "up: $n nodes ready in $((ms / 1000)).$((ms % 1000 / 100))s"
}

cmd_add() {
  local i
  [ -e "$NETNS_DIR/$(ns_name 1)" ] || die "no lab is running (deploy/lab.sh up N)"
  i=$(($(lab_nodes | tail -1) + 1))
  check_index "$i"
  lablog "add: node $i"
  setup_bridge
  node_up "$i"
  wait_dockerd "$i"
  load_images "$i"
  if berth_enabled; then
    local before
    before=$(manager_node_count)
    join_node "$i"
    wait_nodes $((before + 1))
  fi
  lablog "add: node $i ready"
  echo "$i"
}

cmd_kill() {
  local i=$1 pids
  require_node "$i"
  mapfile -t pids < <(node_pids "$i")
  lablog "kill: node $i (${#pids[@]} processes)"
  kill_pids "${pids[@]}"
  clean_dead_node "$i"
}

# The pids of node $1's Berth processes (on node 1 the manager, its etcd and its agent), not its
# engine nor its containers: everything started with node $1's Berth state directory.
berth_pids() {
  local i=$1 pid cmd
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
    case "$cmd" in
      *lab.sh*) ;;
      *"$LAB_STATE/$i/berth"*) echo "$pid" ;;
    esac
  done | grep -vxE "$$|$BASHPID|$PPID" || true
}

cmd_crash_berth() {
  local i=$1 pids
  require_node "$i"
  mapfile -t pids < <(berth_pids "$i")
  [ ${#pids[@]} -gt 0 ] || die "node $i runs no Berth process"
  lablog "crash-berth: node $i (${#pids[@]} processes; the engine and containers keep running)"
  kill_pids "${pids[@]}"
  rm -f "$LAB_STATE/$i/berth/manager.pid" "$LAB_RUN/$i/agent.pid"
}

cmd_restart_berth() {
  local i=$1 pid
  require_node "$i"
  if pid=$(berth_pid "$i"); then die "node $i's Berth runs (pid $pid): deploy/lab.sh crash-berth $i first"; fi
  docker_answers "$i" || die "node $i's engine does not answer (deploy/lab.sh revive $i instead)"
  lablog "restart-berth: node $i"
  start_berth "$i"
  lablog "restart-berth: node $i's Berth is back"
}

cmd_revive() {
  local i=$1 pid
  require_node "$i"
  lablog "revive: node $i"
  # Whatever of it still runs (a revive without a kill) would hold its sockets and state.
  if docker_answers "$i" || pid=$(berth_pid "$i"); then
    die "node $i is alive (deploy/lab.sh kill $i first)"
  fi
  clean_dead_node "$i"
  setup_node_net "$i"
  start_dockerd "$i"
  wait_dockerd "$i"
  if berth_enabled; then start_berth "$i"; fi
  lablog "revive: node $i is back"
}

cmd_link() {
  local i=$1 state=$2
  require_node "$i"
  lablog "link of node $i: $state"
  ip link set "$(veth_name "$i")" "$state"
}

cmd_status() {
  local i ns addr docker berth link
  printf '%-5s %-13s %-12s %-6s %-7s %s\n' NODE NAMESPACE ADDRESS LINK DOCKER BERTH
  for i in $(lab_nodes); do
    ns=$(ns_name "$i")
    [ -e "$NETNS_DIR/$ns" ] || ns="(missing)"
    addr=$(node_addr "$i")
    link=$(ip -o link show "$(veth_name "$i")" 2>/dev/null | grep -q 'state UP\|,UP' && echo up || echo down)
    if docker_answers "$i"; then docker=alive; else docker=dead; fi
    if ! berth_enabled; then berth="-"; elif pid=$(berth_pid "$i"); then berth="alive (pid $pid)"; else berth=dead; fi
    printf '%-5s %-13s %-12s %-6s %-7s %s\n' "$i" "$ns" "$addr" "$link" "$docker" "$berth"
  done
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    -h | --help | help) usage; return 0 ;;
    "") usage >&2; return 2 ;;
  esac
  [ "$(id -u)" = 0 ] || die "the lab needs root (namespaces, bridges, dockerd)"
  case "$cmd" in
    up | down | add | kill | revive | crash-berth | restart-berth)
      exec 9>"$LOCK_FILE"
      flock -w 300 9 || die "another lab.sh holds $LOCK_FILE"
      ;;
  esac
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    add) cmd_add ;;
    status) cmd_status ;;
    exec | berth)
      [ $# -ge 2 ] || die "usage: deploy/lab.sh $cmd I ${cmd/exec/CMD}..."
      local i=$1
      shift
      require_node "$i"
      if [ "$cmd" = berth ]; then set -- "$BERTH" "$@"; fi
      # shellcheck disable=SC2046
      exec nsenter --net="$NETNS_DIR/$(ns_name "$i")" env $(node_env "$i") "$@"
      ;;
    kill) [ $# = 1 ] || die "usage: deploy/lab.sh kill I"; cmd_kill "$1" ;;
    revive) [ $# = 1 ] || die "usage: deploy/lab.sh revive I"; cmd_revive "$1" ;;
    crash-berth) [ $# = 1 ] || die "usage: deploy/lab.sh crash-berth I"; cmd_crash_berth "$1" ;;
    restart-berth) [ $# = 1 ] || die "usage: deploy/lab.sh restart-berth I"; cmd_restart_berth "$1" ;;
    cut) [ $# = 1 ] || die "usage: deploy/lab.sh cut I"; cmd_link "$1" down ;;
    mend) [ $# = 1 ] || die "usage: deploy/lab.sh mend I"; cmd_link "$1" up ;;
    *) die "unknown command: $cmd (try --help)" ;;
  esac
}

main "$@"
