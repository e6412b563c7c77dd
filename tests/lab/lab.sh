#!/usr/bin/env bash
# The GanetiCluster test lab: N nodes on this machine, each a network namespace with its own
# address on a bridge, its own sshd (host key, config, authorized_keys) and its own node root
# directory, reached with a cluster SSH key that can run nothing but `ganetid node --stdio`.
#
#   lab.sh up N [--admin-key]   create nodes 1..N (fails, and tears down, if anything goes wrong)
#   lab.sh down                 tear down everything the lab made; safe to run any time, twice
#   lab.sh status               what exists; exit code 0 only when every node's sshd listens
#   lab.sh stop-node K          kill every process in node K's namespace (sshd, sessions, ganetid)
#   lab.sh start-node K         start node K's sshd again
#   lab.sh cut K | mend K       take node K's link down / up (the namespace and processes stay)
#   lab.sh exec K CMD...        run a command inside node K's namespace
#   lab.sh ssh K [ARGS...]      ssh to node K with the cluster key (runs the node command)
#
# Environment:
#   GANETID         the ganetid executable, or ganetid.dll (run with dotnet); needed by `up`
#   GNTLAB_DIR      the lab directory (default /tmp/gntlab)
#   GNTLAB_PREFIX   prefix of every name the lab creates (default gntlab, at most 8 characters)
#   GNTLAB_SUBNET   first three octets of the lab's /24 (default 10.77.0)
#
# Layout: node K is namespace $PREFIX-nodeK, address $SUBNET.K/24 on eth0, whose peer
# $PREFIX-vK is a port of the bridge $PREFIX-br0 ($SUBNET.254/24, in this namespace).
# $GNTLAB_DIR holds id_cluster(.pub) (the cluster key), known_hosts (every node's host key,
# under its name and address), nodes (one "name address root" line per node),
# bin/ganetid-node (the node command) and nodeK/{root,ssh}/.
set -euo pipefail

LAB_DIR=${GNTLAB_DIR:-/tmp/gntlab}
PREFIX=${GNTLAB_PREFIX:-gntlab}
SUBNET=${GNTLAB_SUBNET:-10.77.0}
BRIDGE="$PREFIX-br0"
MARKER="$LAB_DIR/.gntlab"

die() { echo "lab.sh: $*" >&2; exit 1; }
log() { echo "lab.sh: $*" >&2; }

[[ ${#PREFIX} -le 8 && $PREFIX =~ ^[a-z][a-z0-9]*$ ]] || die "GNTLAB_PREFIX must be 1-8 lower-case letters/digits"
[[ $SUBNET =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "GNTLAB_SUBNET must look like 10.77.0"

ns_of() { echo "$PREFIX-node$1"; }
addr_of() { echo "$SUBNET.$1"; }
node_dir() { echo "$LAB_DIR/node$1"; }

need() {
  local missing=()
  for tool in ip ssh sshd ssh-keygen ss; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [[ ${#missing[@]} -eq 0 ]] || die "missing tools: ${missing[*]} (apt-get install iproute2 openssh-server openssh-client)"
  [[ $(id -u) -eq 0 ]] || die "must run as root (namespaces, bridge, sshd)"
}

lab_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$PREFIX-node[0-9]+$" || true; }
lab_links() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^$PREFIX-(v[0-9]+|p[0-9]+|br0)$" || true; }

check_node() { [[ $1 =~ ^[0-9]+$ && $1 -ge 1 && $1 -le 250 ]] || die "node number must be 1..250, got '$1'"; }

write_node_command() {
  local ganetid=$1 wrapper="$LAB_DIR/bin/ganetid-node"
  mkdir -p "$LAB_DIR/bin"
  [[ -e $ganetid ]] || die "GANETID $ganetid does not exist"
  ganetid=$(readlink -f "$ganetid")
  local run
  if [[ $ganetid == *.dll ]]; then
    local dotnet
    dotnet=$(command -v dotnet) || die "GANETID is a .dll but dotnet is not installed"
    run="exec $(printf '%q %q' "$(readlink -f "$dotnet")" "$ganetid")"
  else
    run="exec $(printf '%q' "$ganetid")"
  fi
  cat >"$wrapper" <<EOF
#!/bin/sh
# The only command the cluster key may run on a lab node: ganetid-node ROOT NAME
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
$run node --stdio --root "\$1" --node-name "\$2"
EOF
  chmod 755 "$wrapper"
}

start_sshd() {
  local k=$1 ns sshd
  ns=$(ns_of "$k")
  sshd=$(command -v sshd)
  mkdir -p /run/sshd # sshd's privilege separation directory, as the package creates it
  ip netns exec "$ns" "$sshd" -f "$(node_dir "$k")/ssh/sshd_config" -E "$(node_dir "$k")/ssh/sshd.log"
  local i
  for i in $(seq 1 100); do
    if ip netns exec "$ns" ss -Hltn "sport = :22" | grep -q LISTEN; then return 0; fi
    sleep 0.05
  done
  die "sshd of node $k does not listen; see $(node_dir "$k")/ssh/sshd.log"
}

make_node() {
  local k=$1 ns addr dir
  ns=$(ns_of "$k"); addr=$(addr_of "$k"); dir=$(node_dir "$k")
  ip netns add "$ns"
  ip link add "$PREFIX-v$k" type veth peer name "$PREFIX-p$k"
  ip link set "$PREFIX-v$k" master "$BRIDGE" up
  ip link set "$PREFIX-p$k" netns "$ns"
  ip -n "$ns" link set "$PREFIX-p$k" name eth0
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$SUBNET.254"

  mkdir -p "$dir/root/var/lib/ganeti" "$dir/root/var/run/ganeti" "$dir/root/var/log/ganeti" \
    "$dir/root/srv/ganeti/os" "$dir/root/srv/ganeti/file-storage" "$dir/ssh"
  ssh-keygen -q -t ed25519 -N '' -C "node$k host key" -f "$dir/ssh/ssh_host_ed25519_key"
  cat >"$dir/ssh/sshd_config" <<EOF
# sshd of lab node $k: public keys only, root only, no forwarding, no tty
ListenAddress $addr
Port 22
HostKey $dir/ssh/ssh_host_ed25519_key
PidFile $dir/ssh/sshd.pid
AuthorizedKeysFile $dir/ssh/authorized_keys
PermitRootLogin prohibit-password
AllowUsers root
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The lab directory lives under /tmp (sticky, world-writable), which StrictModes rejects.
StrictModes no
DisableForwarding yes
PermitTTY no
PermitUserRC no
PermitUserEnvironment no
PrintMotd no
PrintLastLog no
ClientAliveInterval 5
ClientAliveCountMax 3
MaxStartups 100:30:200
LogLevel VERBOSE
EOF
  # The cluster key may run the node command and nothing else: `restrict` forbids tty and
  # forwarding, `command=` replaces whatever the client asked for.
  local cmd="$LAB_DIR/bin/ganetid-node $dir/root node$k"
  {
    printf 'restrict,command="%s" %s\n' "$cmd" "$(cat "$LAB_DIR/id_cluster.pub")"
    if [[ -f $LAB_DIR/id_admin.pub ]]; then cat "$LAB_DIR/id_admin.pub"; fi
  } >"$dir/ssh/authorized_keys"
  chmod 600 "$dir/ssh/authorized_keys"
  printf 'node%s,%s %s\n' "$k" "$addr" "$(cut -d' ' -f1,2 "$dir/ssh/ssh_host_ed25519_key.pub")" >>"$LAB_DIR/known_hosts"
  printf 'node%s %s %s\n' "$k" "$addr" "$dir/root" >>"$LAB_DIR/nodes"
  start_sshd "$k"
}

up_failed() {
  if [[ $1 -ne 0 ]]; then
    log "up failed; tearing down what it made"
    cmd_down >/dev/null 2>&1 || true
  fi
}

cmd_up() {
  local n=${1:-} admin=no
  shift || true
  if [[ ${1:-} == --admin-key ]]; then admin=yes; fi
  [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 250 ]] || die "usage: lab.sh up N [--admin-key]  (N = 1..250)"
  need
  [[ -n ${GANETID:-} ]] || die "set GANETID to the ganetid executable or ganetid.dll"
  if [[ -n $(lab_namespaces) || -n $(lab_links) || -e $MARKER ]]; then
    die "a lab with prefix $PREFIX or directory $LAB_DIR exists; run 'lab.sh down' first"
  fi
  if [[ -e $LAB_DIR && -n $(ls -A "$LAB_DIR") ]]; then die "$LAB_DIR exists and is not a lab directory"; fi
  trap 'up_failed $?' EXIT
  mkdir -p "$LAB_DIR"
  echo "prefix=$PREFIX subnet=$SUBNET nodes=$n" >"$MARKER"
  : >"$LAB_DIR/known_hosts"; : >"$LAB_DIR/nodes"
  ssh-keygen -q -t ed25519 -N '' -C "$PREFIX cluster key" -f "$LAB_DIR/id_cluster"
  if [[ $admin == yes ]]; then ssh-keygen -q -t ed25519 -N '' -C "$PREFIX admin key" -f "$LAB_DIR/id_admin"; fi
  write_node_command "$GANETID"
  ip link add "$BRIDGE" type bridge
  ip addr add "$SUBNET.254/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local k
  for k in $(seq 1 "$n"); do make_node "$k"; done
  trap - EXIT
  log "up: $n node(s) on $BRIDGE ($SUBNET.0/24), lab directory $LAB_DIR"
  cat "$LAB_DIR/nodes"
}

cmd_down() {
  local ns pids link
  for ns in $(lab_namespaces); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [[ -n $pids ]]; then
      kill -TERM $pids 2>/dev/null || true
      for _ in $(seq 1 20); do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        if [[ -z $pids ]]; then break; fi
        sleep 0.05
      done
      if [[ -n $pids ]]; then kill -KILL $pids 2>/dev/null || true; fi
    fi
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(lab_links); do ip link del "$link" 2>/dev/null || true; done
  if [[ -e $MARKER ]]; then
    rm -rf "$LAB_DIR"
  elif [[ -d $LAB_DIR && -z $(ls -A "$LAB_DIR") ]]; then
    rmdir "$LAB_DIR"
  elif [[ -e $LAB_DIR ]]; then
    log "leaving $LAB_DIR alone: it is not a lab directory"
  fi
  if [[ -n $(lab_namespaces) || -n $(lab_links) ]]; then die "down: something is left: $(lab_namespaces) $(lab_links)"; fi
  log "down: nothing of lab $PREFIX is left"
}

cmd_status() {
  local ok=0 ns k pid state
  if [[ -n $(lab_links | grep -x "$BRIDGE") ]]; then echo "bridge $BRIDGE: $SUBNET.254/24"; else echo "bridge $BRIDGE: absent"; ok=1; fi
  if [[ -e $MARKER ]]; then echo "lab directory $LAB_DIR: $(cat "$MARKER")"; fi
  local spaces; spaces=$(lab_namespaces)
  if [[ -z $spaces ]]; then echo "no nodes"; return 1; fi
  for ns in $(echo "$spaces" | sort -V); do
    k=${ns##*-node}
    pid=$(cat "$(node_dir "$k")/ssh/sshd.pid" 2>/dev/null || true)
    if ip netns exec "$ns" ss -Hltn "sport = :22" 2>/dev/null | grep -q LISTEN; then state="sshd listening (pid ${pid:-?})"; else state="sshd DOWN"; ok=1; fi
    local link; link=$(ip -n "$ns" -br link show eth0 2>/dev/null | awk '{print $2}')
    echo "node$k: $ns $(addr_of "$k") link ${link:-absent}, $state, $(ip netns pids "$ns" | wc -l) process(es)"
  done
  return $ok
}

cmd_stop_node() {
  local k=$1 ns pids
  check_node "$k"; ns=$(ns_of "$k")
  pids=$(ip netns pids "$ns")
  if [[ -n $pids ]]; then kill -KILL $pids; fi
  for _ in $(seq 1 40); do
    if [[ -z $(ip netns pids "$ns") ]]; then break; fi
    sleep 0.05
  done
  rm -f "$(node_dir "$k")/ssh/sshd.pid"
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  stop-node) [[ $# -eq 2 ]] || die "usage: lab.sh stop-node K"; cmd_stop_node "$2" ;;
  start-node) [[ $# -eq 2 ]] || die "usage: lab.sh start-node K"; check_node "$2"; start_sshd "$2" ;;
  cut) [[ $# -eq 2 ]] || die "usage: lab.sh cut K"; check_node "$2"; ip link set "$PREFIX-v$2" down ;;
  mend) [[ $# -eq 2 ]] || die "usage: lab.sh mend K"; check_node "$2"; ip link set "$PREFIX-v$2" up ;;
  exec) [[ $# -ge 3 ]] || die "usage: lab.sh exec K CMD..."; check_node "$2"; ns=$(ns_of "$2"); shift 2; exec ip netns exec "$ns" "$@" ;;
  ssh)
    [[ $# -ge 2 ]] || die "usage: lab.sh ssh K [ARGS...]"; check_node "$2"; k=$2; shift 2
    exec ssh -T -F none -o BatchMode=yes -o IdentitiesOnly=yes -i "$LAB_DIR/id_cluster" \
      -o UserKnownHostsFile="$LAB_DIR/known_hosts" -o StrictHostKeyChecking=yes -l root "$(addr_of "$k")" "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
