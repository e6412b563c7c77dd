#!/usr/bin/env bash
# Upstream Ganeti as a reference for the benchmarks: a single-node Ganeti 3.0 cluster (Debian's
# packages, fake hypervisor, diskless and file disks) on this machine, kept apart from the rest
# of it as far as practical.
#
#   ganeti-ref.sh up           install Debian's ganeti packages if missing, init and start the cluster
#   ganeti-ref.sh down         stop every Ganeti daemon and remove everything 'up' made
#   ganeti-ref.sh status       say whether the cluster answers; exit 0 when it does
#   ganeti-ref.sh exec CMD...  run a command (gnt-instance list, ...) where the node lives
#   ganeti-ref.sh fill N [P]   top the cluster up to N instances, new ones named P1, P2, ... (see below)
#
# Layout. Ganeti refuses loopback node addresses and wants its host name to resolve to an address
# of this host, so the node lives in its own network namespace (gnt-ref) joined to the host by a
# veth pair: gnt-ref0 (host side, 198.51.100.1/24) and gnt-ref1 (namespace side, 198.51.100.2/24,
# which also carries the master IP 198.51.100.3). 198.51.100.0/24 is TEST-NET-2: nothing outside
# this machine is ever addressed. Inside the namespace /etc/netns/gnt-ref/hosts (which 'ip netns
# exec' mounts over /etc/hosts) maps this machine's host name to node1.gnt-ref.test, so that
# Ganeti's getfqdn() names the node, and cluster.gnt-ref.test to the master IP; the machine's own
# /etc/hosts, ssh keys and authorized_keys are not touched (--no-etc-hosts --no-ssh-init). All
# daemons run inside the namespace (noded listens on 1811 there, not on the host), started with
# /usr/lib/ganeti/daemon-util (systemd is not needed); RAPI listens on 198.51.100.2:5080, which
# the host reaches over the veth pair. Ganeti's state lives where the packages put it
# (/var/lib/ganeti, /var/run/ganeti, /var/log/ganeti, /etc/ganeti/file-storage-paths); file disks
# go to /srv/ganeti-ref. 'up' refuses to touch a /var/lib/ganeti it did not create itself.
#
# The cluster's instance policy is widened (memory from 16 MiB, no NICs) so that the benchmark's
# diskless fake instance (memory 16, no NICs, OS noop, no install) is accepted as is.
#
# Environment: GANETI_REF_PORT (RAPI port, default 5080), GANETI_REF_USER / GANETI_REF_PASSWORD
# (default admin / secret).
set -uo pipefail

ns=gnt-ref
host_if=gnt-ref0
ns_if=gnt-ref1
net=198.51.100
host_ip=$net.1
node_ip=$net.2
cluster_ip=$net.3
node=node1.gnt-ref.test
cluster=cluster.gnt-ref.test
port=${GANETI_REF_PORT:-5080}
user=${GANETI_REF_USER:-admin}
password=${GANETI_REF_PASSWORD:-secret}
url="https://$node_ip:$port"
state=/var/lib/ganeti-ref            # our marker and notes; never inside Ganeti's own directories
storage=/srv/ganeti-ref/file-storage
daemon_util=/usr/lib/ganeti/daemon-util
lib=/var/lib/ganeti
paths_file=/etc/ganeti/file-storage-paths

log() { echo "ganeti-ref: $*" >&2; }
die() { log "$*"; exit 1; }
in_ns() { ip netns exec "$ns" "$@"; }
ns_exists() { [ -e "/run/netns/$ns" ]; }
owned() { [ -f "$state/owned" ]; }

rapi_ok() {
  curl -sk --max-time 10 -o /dev/null -w '%{http_code}' -u "$user:$password" "$url/2/info" 2>/dev/null | grep -q '^200$'
}

print_info() {
  echo "Ganeti reference cluster is up"
  echo "  RAPI URL:    $url"
  echo "  node:        $node"
  echo "  cluster:     $cluster"
  echo "  credentials: $user / $password (write access)"
  echo "  CLI:         $0 exec gnt-instance list"
}

install_packages() {
  if command -v gnt-cluster >/dev/null && [ -x "$daemon_util" ] && [ -d /usr/share/ganeti/os/noop ] &&
     command -v curl >/dev/null; then
    return 0
  fi
  log "installing Debian's ganeti packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || die "apt-get update failed"
  # --no-install-recommends keeps out a mail server and drbd-utils; the fake hypervisor needs neither.
  apt-get install -y -q --no-install-recommends ganeti ganeti-os-noop curl iproute2 >/dev/null ||
    die "apt-get install ganeti failed"
}

setup_network() {
  ns_exists || ip netns add "$ns" || die "cannot create network namespace $ns"
  if ! ip link show "$host_if" >/dev/null 2>&1; then
    in_ns ip link del "$ns_if" 2>/dev/null
    ip link add "$host_if" type veth peer name "$ns_if" netns "$ns" || die "cannot create veth pair"
  fi
  ip addr replace "$host_ip/24" dev "$host_if" && ip link set "$host_if" up || die "cannot configure $host_if"
  in_ns ip link set lo up
  in_ns ip addr replace "$node_ip/24" dev "$ns_if" && in_ns ip link set "$ns_if" up || die "cannot configure $ns_if"
  [ -d /etc/netns ] || { mkdir -p /etc/netns && touch "$state/created-etc-netns"; }
  mkdir -p "/etc/netns/$ns"
  cat > "/etc/netns/$ns/hosts" <<EOF
127.0.0.1 localhost
$node_ip $node node1 $(hostname)
$cluster_ip $cluster
EOF
}

start_daemons() {
  # RAPI binds to the namespace's address so that the host can reach it; Debian's
  # /etc/default/ganeti says -b 127.0.0.1, the later -b wins.
  EXTRA_RAPI_ARGS="-b $node_ip -p $port" in_ns "$daemon_util" start-all >/dev/null ||
    die "daemon-util start-all failed (see /var/log/ganeti)"
}

stop_daemons() {
  [ -x "$daemon_util" ] || return 0
  if ns_exists; then in_ns "$daemon_util" stop-all >/dev/null 2>&1; else "$daemon_util" stop-all >/dev/null 2>&1; fi
  # Anything still running in our namespace is ours (daemons, hooks, helpers): end it by pid.
  if ns_exists; then
    local pids
    pids=$(ip netns pids "$ns" 2>/dev/null)
    if [ -n "$pids" ]; then
      kill $pids 2>/dev/null
      sleep 1
      pids=$(ip netns pids "$ns" 2>/dev/null)
      [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    fi
  fi
}

write_rapi_users() {
  mkdir -p "$lib/rapi"
  printf '%s {cleartext}%s write\n' "$user" "$password" > "$lib/rapi/users"
  chown gnt-rapi:gnt-masterd "$lib/rapi" "$lib/rapi/users" 2>/dev/null
  chmod 640 "$lib/rapi/users"
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  install_packages
  if owned && ns_exists && rapi_ok; then
    print_info
    return 0
  fi
  if [ -e "$lib/config.data" ] && ! owned; then
    die "$lib/config.data exists and was not made by this script: refusing to touch an existing Ganeti cluster"
  fi
  mkdir -p "$state" && touch "$state/owned"
  setup_network

  if [ ! -e "$lib/config.data" ]; then
    mkdir -p "$storage"
    if [ ! -e "$paths_file" ]; then
      echo "$storage" > "$paths_file" && touch "$state/created-paths-file"
    elif ! grep -qxF "$storage" "$paths_file"; then
      echo "$storage" >> "$paths_file" && touch "$state/appended-paths-file"
    fi
    log "initialising $cluster (node $node)"
    # The master IP goes onto the namespace's veth end; there is no bridge, so NICs are routed.
    if ! in_ns gnt-cluster init \
        --enabled-hypervisors=fake --enabled-disk-templates=diskless,file \
        --file-storage-dir="$storage" --no-etc-hosts --no-ssh-init \
        --master-netdev="$ns_if" --master-netmask=24 --nic-parameters=mode=routed,link=100 \
        "$cluster" >"$state/init.log" 2>&1; then
      cat "$state/init.log" >&2
      die "gnt-cluster init failed; '$0 down' cleans up"
    fi
    in_ns gnt-cluster modify --ipolicy-bounds-specs \
      min:cpu-count=1,disk-count=0,disk-size=0,memory-size=16,nic-count=0,spindle-use=0/max:cpu-count=8,disk-count=16,disk-size=1048576,memory-size=32768,nic-count=8,spindle-use=12 \
      >>"$state/init.log" 2>&1 || { cat "$state/init.log" >&2; die "gnt-cluster modify failed"; }
    # No cron here, but should one run, keep ganeti-watcher from restarting daemons outside the namespace.
    in_ns gnt-cluster watcher pause 3650d >/dev/null 2>&1
  fi

  write_rapi_users
  # gnt-cluster init started RAPI with Debian's defaults (127.0.0.1): restart everything with ours.
  stop_daemons
  start_daemons
  for _ in $(seq 60); do rapi_ok && break; sleep 1; done
  rapi_ok || die "RAPI does not answer on $url (see /var/log/ganeti/rapi-daemon.log)"
  print_info
}

cmd_down() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  if [ -e "$lib/config.data" ] && ! owned; then
    die "$lib/config.data was not made by this script: not touching it"
  fi
  if ! owned && ! ns_exists && [ ! -e "/etc/netns/$ns" ]; then
    echo "nothing to remove"
    return 0
  fi
  if [ -e "$lib/config.data" ] && ns_exists && command -v gnt-cluster >/dev/null; then
    # Ganeti's own teardown: drops the master IP and stops the daemons. Best effort.
    timeout 120 ip netns exec "$ns" gnt-cluster destroy --yes-do-it >/dev/null 2>&1
  fi
  stop_daemons
  if owned; then
    find "$lib" -mindepth 1 -delete 2>/dev/null
    rm -rf /var/run/ganeti
    [ -d /var/log/ganeti ] && find /var/log/ganeti -mindepth 1 -type f -delete 2>/dev/null
    if [ -f "$state/created-paths-file" ]; then
      rm -f "$paths_file"
    elif [ -f "$state/appended-paths-file" ] && [ -f "$paths_file" ]; then
      grep -vxF "$storage" "$paths_file" > "$paths_file.tmp"; mv "$paths_file.tmp" "$paths_file"
    fi
    rm -rf /srv/ganeti-ref
  fi
  ip link del "$host_if" 2>/dev/null
  ns_exists && ip netns del "$ns"
  rm -rf "/etc/netns/$ns"
  [ -f "$state/created-etc-netns" ] && rmdir /etc/netns 2>/dev/null
  rm -rf "$state"
  echo "Ganeti reference cluster removed"
}

cmd_status() {
  if ! owned; then echo "down (not set up)"; return 1; fi
  if ! ns_exists; then echo "down (namespace $ns missing)"; return 1; fi
  local d running=()
  for d in noded wconfd luxid confd rapi mond; do
    [ -f "/var/run/ganeti/ganeti-$d.pid" ] && kill -0 "$(cat "/var/run/ganeti/ganeti-$d.pid")" 2>/dev/null &&
      running+=("$d")
  done
  echo "daemons running: ${running[*]:-none}"
  if rapi_ok; then
    print_info
    return 0
  fi
  echo "down (RAPI does not answer on $url)"
  return 1
}

# Tops the cluster up to N instances in all, new ones named PREFIX1, PREFIX2, ... Creating them one by one costs Ganeti
# about a second each (instance creation holds the node lock), so one instance is created with
# gnt-instance add and the rest are copies of its configuration object written straight into
# config.data while the daemons are stopped: what the listing reads is then exactly what N
# creates would have left.
cmd_fill() {
  local n=${1:?usage: fill N [PREFIX]} prefix=${2:-fill}
  owned && ns_exists || die "the cluster is not up"
  local first="${prefix}1"
  if ! in_ns gnt-instance list --no-headers -o name "$first" >/dev/null 2>&1; then
    in_ns gnt-instance add -t diskless -o noop --no-install --no-start --no-name-check --no-ip-check \
      --no-nics -n "$node" -H fake -B memory=16 "$first" >/dev/null || die "gnt-instance add $first failed"
  fi
  stop_daemons
  python3 - "$lib/config.data" "$n" "$prefix" <<'EOF' || { start_daemons; die "editing config.data failed"; }
import json, os, sys, uuid, random
path, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    cfg = json.load(f)
insts = cfg["instances"]
names = {i["name"] for i in insts.values()}
template = next(i for i in insts.values() if i["name"] == prefix + "1")
k = 1
while len(insts) < n:
    k += 1
    name = f"{prefix}{k}"
    if name in names:
        continue
    inst = json.loads(json.dumps(template))
    inst["uuid"] = str(uuid.uuid4())
    inst["name"] = name
    inst["serial_no"] = 1
    if "network_port" in inst and inst["network_port"] is not None:
        inst["network_port"] = None
    insts[inst["uuid"]] = inst
cfg["serial_no"] = cfg.get("serial_no", 1) + 1
st = os.stat(path)
tmp = path + ".fill"
with open(tmp, "w") as f:
    json.dump(cfg, f)
os.chown(tmp, st.st_uid, st.st_gid)
os.chmod(tmp, st.st_mode & 0o7777)
os.replace(tmp, path)
EOF
  start_daemons
  for _ in $(seq 60); do rapi_ok && break; sleep 1; done
  rapi_ok || die "RAPI does not answer after restart"
  echo "instances: $(in_ns gnt-instance list --no-headers -o name | wc -l)"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  exec) shift; owned && ns_exists || die "the cluster is not up"; in_ns "$@" ;;
  fill) shift; cmd_fill "$@" ;;
  *) echo "usage: $0 up|down|status|exec CMD...|fill N [PREFIX]" >&2; exit 2 ;;
esac
