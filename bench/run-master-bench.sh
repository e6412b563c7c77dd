#!/usr/bin/env bash
# Master benchmarks, GanetiCluster against upstream Ganeti on the same machine in the same run.
#
#   bench/run-master-bench.sh [--with-ganeti] [--no-ganeti]
#
# Builds ganetid and MasterBench (Release), initialises a throw-away GanetiCluster cluster (fake
# hypervisor, diskless and file disks) under a temporary root, starts 'ganetid master' on a free
# 127.0.0.1 port and runs through RAPI:
#   no-op jobs      OP_TEST_DELAY duration 0 (POST /2/jobs) and OP_TAGS_SET on the cluster
#                   (PUT /2/tags?tag=bench), JOBS jobs with 1 and with 16 clients
#   create          diskless fake instance, no install, not started: JOBS jobs with 1, then 16 clients
#   bulk listing    GET /2/instances?bulk=1 with 1,000 and then BULK_MAX instances (topped up
#                   with the create workload)
# Then, when bench/ganeti-reference/ganeti-ref.sh status says the Ganeti reference cluster is up
# (or with --with-ganeti, which runs 'up' first and 'down' at the end), the same against Ganeti
# 3.0 with fewer jobs, and prints the ratios. Ganeti 3.0's RAPI cannot submit OP_TEST_DELAY, so
# the no-op comparison uses the tags job on both sides. Ganeti's bulk listing is filled with
# 'ganeti-ref.sh fill' (one real create, the rest copies in config.data), since creating
# instances one by one costs it about a second each.
#
# Environment: JOBS (1000), BULK_MAX (10000), BULK_REPEAT (10), GANETI_JOBS (100, no-op),
# GANETI_CREATES (50), GANETI_BULK (1000 10000), GANETI_BULK_REPEAT (5).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

jobs=${JOBS:-1000}
bulk_max=${BULK_MAX:-10000}
bulk_repeat=${BULK_REPEAT:-10}
g_jobs=${GANETI_JOBS:-100}
g_creates=${GANETI_CREATES:-50}
g_bulk=${GANETI_BULK:-"1000 10000"}
g_bulk_repeat=${GANETI_BULK_REPEAT:-5}
ref="$repo/bench/ganeti-reference/ganeti-ref.sh"

ganeti=auto
for a in "$@"; do
  case "$a" in
    --with-ganeti) ganeti=with ;;
    --no-ganeti) ganeti=no ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/gnt-master-bench.XXXXXX)
results="$work/results"
: > "$results"
master_pid=""
ganeti_started=no
cleanup() {
  if [ -n "$master_pid" ] && kill -0 "$master_pid" 2>/dev/null; then
    kill "$master_pid"
    for _ in $(seq 100); do kill -0 "$master_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$master_pid" 2>/dev/null && kill -9 "$master_pid"
  fi
  [ "$ganeti_started" = yes ] && "$ref" down >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building ganetid and MasterBench (Release)"
dotnet build "$repo/src/Ganeti.Daemon" -c Release -nologo -v q -o "$repo/out/ganetid" >"$work/build.log" 2>&1 ||
  { grep -E "error" "$work/build.log" | sort -u | head -20; exit 1; }
dotnet build "$repo/bench/MasterBench" -c Release -nologo -v q -o "$repo/out/masterbench" >"$work/build.log" 2>&1 ||
  { grep -E "error" "$work/build.log" | sort -u | head -20; exit 1; }
ganetid="$repo/out/ganetid/ganetid"
# A failed measurement is reported and the run goes on to the next one.
bench() { dotnet "$repo/out/masterbench/MasterBench.dll" "$@" | tee -a "$results" || echo "(MasterBench $* failed)"; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="https://127.0.0.1:$port"
node=node1.bench.cluster
root="$work/cluster"
echo "== GanetiCluster: initialising bench.cluster under $root, master on $url"
"$ganetid" init --root "$root" --cluster-name bench.cluster \
  --enabled-hypervisors fake --enabled-disk-templates diskless,file \
  --node-name "$node" --primary-ip 127.0.0.1 \
  --os-search-path "/usr/share/ganeti/os:/srv/ganeti/os:$repo/os" \
  --rapi-user admin:secret >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
start_master() {
  "$ganetid" master --root "$root" --rapi-bind 127.0.0.1 --rapi-port "$port" >>"$work/master.log" 2>&1 &
  master_pid=$!
  for _ in $(seq 200); do
    curl -skf "$url/version" >/dev/null 2>&1 && return 0
    kill -0 "$master_pid" 2>/dev/null || { cat "$work/master.log"; exit 1; }
    sleep 0.1
  done
  echo "master does not answer on $url" >&2; exit 1
}
stop_master() {
  kill "$master_pid"; wait "$master_pid" 2>/dev/null || true; master_pid=""
}
start_master

# Both sides create the same instance: diskless, fake, memory 16, no NICs, OS noop (Debian's
# ganeti-os-noop when installed; Ganeti needs an OS even with no_install).
os_arg=()
[ -d /usr/share/ganeti/os/noop ] && os_arg=(--os noop)

ours=(--url "$url" --user admin --password secret --node "$node" --label GanetiCluster)
bench "${ours[@]}" --mode jobs --workload testdelay --jobs "$jobs" --clients 1
bench "${ours[@]}" --mode jobs --workload testdelay --jobs "$jobs" --clients 16
bench "${ours[@]}" --mode jobs --workload tags --jobs "$jobs" --clients 1
bench "${ours[@]}" --mode jobs --workload tags --jobs "$jobs" --clients 16
count() { curl -sk -u admin:secret "$url/2/instances" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
fill_ours() {  # tops the cluster up to $1 instances with the create workload (16 clients)
  local want=$1 n chunk round=0
  while n=$(count) && [ "$n" -lt "$want" ]; do
    chunk=$((want - n)); [ "$chunk" -gt 4000 ] && chunk=4000
    round=$((round + 1))
    dotnet "$repo/out/masterbench/MasterBench.dll" "${ours[@]}" --mode jobs --workload create "${os_arg[@]}" \
      --prefix "fill$want-$round-" --jobs "$chunk" --clients 16 >/dev/null
  done
}
# The 1-client creates start from an empty cluster; the listing at 1,000 instances follows them;
# the 16-client creates then add to those.
bench "${ours[@]}" --mode jobs --workload create "${os_arg[@]}" --prefix c1- --jobs "$jobs" --clients 1
fill_ours 1000
bench "${ours[@]}" --mode bulk --repeat "$bulk_repeat"
bench "${ours[@]}" --mode jobs --workload create "${os_arg[@]}" --prefix c16- --jobs "$jobs" --clients 16
fill_ours "$bulk_max"
bench "${ours[@]}" --mode bulk --repeat "$bulk_repeat"

stop_master

# ---- Ganeti 3.0
if [ "$ganeti" = with ]; then
  echo "== Ganeti 3.0: bringing the reference cluster up"
  ganeti_started=yes   # 'down' at the end, also when 'up' fails half-way
  "$ref" up || exit 1
elif [ "$ganeti" = no ] || ! "$ref" status >/dev/null 2>&1; then
  echo "== Ganeti reference cluster not up (bench/ganeti-reference/ganeti-ref.sh up, or --with-ganeti): skipped"
  exit 0
fi
g_url=$("$ref" status | sed -n 's/^ *RAPI URL: *//p')
g_node=$("$ref" status | sed -n 's/^ *node: *//p')
echo "== Ganeti 3.0 on $g_url (no-op jobs: $g_jobs, creates: $g_creates)"
theirs=(--url "$g_url" --user "${GANETI_REF_USER:-admin}" --password "${GANETI_REF_PASSWORD:-secret}" --node "$g_node" --label Ganeti)
run=$(date +%s)
bench "${theirs[@]}" --mode jobs --workload tags --jobs "$g_jobs" --clients 1
bench "${theirs[@]}" --mode jobs --workload tags --jobs "$g_jobs" --clients 16
bench "${theirs[@]}" --mode jobs --workload create "${os_arg[@]}" --prefix "b$run-c1-" --jobs "$g_creates" --clients 1
bench "${theirs[@]}" --mode jobs --workload create "${os_arg[@]}" --prefix "b$run-c16-" --jobs "$g_creates" --clients 16
for n in $g_bulk; do
  "$ref" fill "$n" "b$run-fill" >/dev/null || { echo "(ganeti-ref.sh fill $n failed)"; break; }
  bench "${theirs[@]}" --mode bulk --repeat "$g_bulk_repeat"
done

echo
echo "== ratios (GanetiCluster / Ganeti; throughput: higher is better for GanetiCluster, latency: Ganeti's divided by ours)"
python3 - "$results" <<'EOF'
import re, sys
jobs, bulk = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+)\s+(\S+)\s+jobs=\s*(\d+) clients=\s*(\d+)\s+throughput=\s*([\d.]+) jobs/s\s+p50=\s*([\d.]+) ms\s+p99=\s*([\d.]+) ms", line)
    if m:
        jobs[(m[1], m[2], int(m[4]))] = (float(m[5]), float(m[6]), float(m[7]))
        continue
    m = re.match(r"(\S+)\s+GET /2/instances\?bulk=1 instances=\s*(\d+)\s+p50=\s*([\d.]+) ms", line)
    if m:
        bulk[(m[1], int(m[2]))] = float(m[3])
        continue
    m = re.match(r"(\S+)\s+GET /2/instances\?bulk=1 failed: (.*)", line)
    if m:
        print(f"bulk GET ({m[1]}) failed: {m[2].strip()}")
for (label, wl, c), (tp, p50, p99) in sorted(jobs.items()):
    if label != "Ganeti":
        continue
    o = jobs.get(("GanetiCluster", wl, c))
    if o:
        print(f"{wl:<8} clients={c:<3} throughput x{o[0] / tp:8.1f}   p50 x{p50 / o[1]:8.1f}   p99 x{p99 / o[2]:8.1f}")
for (label, n), p50 in sorted(bulk.items()):
    if label != "Ganeti":
        continue
    o = bulk.get(("GanetiCluster", n))
    if o:
        print(f"bulk GET instances={n:<6} p50 x{p50 / o:8.1f}")
    else:
        print(f"bulk GET instances={n:<6} (no GanetiCluster figure at this count)")
EOF
