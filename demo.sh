#!/usr/bin/env bash
# The main job: a single-node GanetiCluster on this machine, in ./demo. It builds ganetid,
# initialises a cluster (fake hypervisor, file and diskless disks: no root needed), starts the
# master with its Remote API on 127.0.0.1, creates and starts instances through RAPI (one
# installed by a real OS definition onto a file disk), lists instances and jobs, and says how
# to connect. The master keeps running; './demo.sh stop' stops it.
set -euo pipefail
repo=$(cd "$(dirname "$0")" && pwd)
demo="$repo/demo"
root="$demo/cluster"
port=${GNT_DEMO_PORT:-5080}
bin="$repo/out/ganetid/ganetid"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

stop_master() {
  if [ -f "$demo/master.pid" ] && kill -0 "$(cat "$demo/master.pid")" 2>/dev/null; then
    kill "$(cat "$demo/master.pid")"
    for _ in $(seq 50); do kill -0 "$(cat "$demo/master.pid")" 2>/dev/null || break; sleep 0.1; done
    echo "master stopped"
  fi
  rm -f "$demo/master.pid"
}

case "${1:-start}" in
  stop) stop_master; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac

command -v curl >/dev/null || { echo "demo.sh needs curl (apt-get install curl)" >&2; exit 1; }

echo "== building ganetid"
dotnet build "$repo/src/Ganeti.Daemon" -c Release -nologo -v q -o "$repo/out/ganetid" >/dev/null

stop_master
rm -rf "$root"
mkdir -p "$demo"
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$password" > "$demo/rapi-password"
chmod 600 "$demo/rapi-password"

echo "== initialising cluster demo.cluster under $root"
"$bin" init --root "$root" --cluster-name demo.cluster \
  --enabled-hypervisors fake --enabled-disk-templates file,diskless \
  --node-name node1.demo.cluster --primary-ip 127.0.0.1 \
  --os-search-path "$repo/os:/srv/ganeti/os:/usr/local/lib/ganeti/os:/usr/lib/ganeti/os:/usr/share/ganeti/os" \
  --rapi-user "admin:$password"

echo "== starting the master (RAPI on https://127.0.0.1:$port)"
nohup "$bin" master --root "$root" --rapi-bind 127.0.0.1 --rapi-port "$port" > "$demo/master.log" 2>&1 &
echo $! > "$demo/master.pid"
api="https://127.0.0.1:$port"
for _ in $(seq 100); do
  curl -skf "$api/version" >/dev/null 2>&1 && break
  kill -0 "$(cat "$demo/master.pid")" 2>/dev/null || { cat "$demo/master.log"; exit 1; }
  sleep 0.1
done

rapi() { curl -sk --fail-with-body -u "admin:$password" -H 'Content-Type: application/json' "$@"; }

wait_job() {  # waits for a job through the long-poll resource, printing its log lines
  local id=$1 serial=0 status
  while :; do
    local change
    change=$(rapi -X GET "$api/2/jobs/$id/wait" -d "{\"fields\":[\"status\"],\"previous_job_info\":null,\"previous_log_serial\":$serial}")
    status=$(printf '%s' "$change" | grep -oE '"job_info":\["[a-z]+"' | grep -oE '[a-z]+"$' | tr -d '"' || true)
    while IFS= read -r line; do
      [ -n "$line" ] && echo "   job $id: $line"
    done < <(printf '%s' "$change" | grep -oE '\[[0-9]+,\[[0-9]+,[0-9]+\],"message","[^"]*"\]' | sed -E 's/.*"message","(.*)"\]/\1/')
    serial=$(printf '%s' "$change" | grep -oE '\[[0-9]+,\[[0-9]+,[0-9]+\],"message"' | tail -1 | grep -oE '^\[[0-9]+' | tr -d '[' || echo "$serial")
    case "$status" in success|error|canceled) echo "   job $id: $status"; [ "$status" = success ]; return ;; esac
  done
}

# An OS definition: Debian's ganeti-os-noop when installed, else the project's own busybox OS.
os=noop
[ -d /usr/share/ganeti/os/noop ] || [ -d /srv/ganeti/os/noop ] || os=ganeti-busybox
[ -d "$repo/os/$os" ] || [ "$os" = noop ] || os=""

echo "== creating instance web1 (file disk, OS '${os:-none}') and web2 (diskless) through RAPI"
if [ -n "$os" ]; then
  body='{"__version__":1,"mode":"create","instance_name":"web1","disk_template":"file","disks":[{"size":256}],"nics":[{"mac":"generate"}],"os_type":"'$os'","pnode":"node1.demo.cluster","name_check":false,"ip_check":false,"beparams":{"memory":256}}'
else
  body='{"__version__":1,"mode":"create","instance_name":"web1","disk_template":"file","disks":[{"size":256}],"nics":[{}],"no_install":true,"pnode":"node1.demo.cluster","name_check":false,"ip_check":false}'
fi
job=$(rapi -X POST "$api/2/instances" -d "$body")
echo "   submitted job $job"
wait_job "$job"
job=$(rapi -X POST "$api/2/instances" -d '{"__version__":1,"mode":"create","instance_name":"web2","disk_template":"diskless","disks":[],"nics":[{}],"no_install":true,"start":false,"pnode":"node1.demo.cluster","name_check":false,"ip_check":false}')
echo "   submitted job $job"
wait_job "$job"
echo "== starting web2"
job=$(rapi -X PUT "$api/2/instances/web2/startup")
wait_job "$job"

echo "== instances"
rapi "$api/2/query/instance?fields=name,status,pnode,os,disk_template,oper_ram" | \
  grep -oE '\[\[0,"[^"]*"\],\[0,"[^"]*"\],\[0,"[^"]*"\],\[0,"[^"]*"\],\[0,"[^"]*"\],\[[0-9],[0-9a-z]*\]\]' | \
  sed -E 's/\[[0-9],//g; s/[]["]//g' | awk -F, 'BEGIN {printf "   %-8s %-10s %-22s %-15s %-9s %s\n","Name","Status","Primary node","OS","Disks","Memory"} {printf "   %-8s %-10s %-22s %-15s %-9s %s\n",$1,$2,$3,$4,$5,$6}'
echo "== jobs"
rapi "$api/2/query/job?fields=id,status,summary" | \
  grep -oE '\[\[0,[0-9]+\],\[0,"[a-z]+"\],\[0,\["[^"]*"\]\]\]' | \
  sed -E 's/\[\[0,([0-9]+)\],\[0,"([a-z]+)"\],\[0,\["([^"]*)"\]\]\]/   job \1  \2  \3/'

cat <<EOT

The master is running (pid $(cat "$demo/master.pid"), log $demo/master.log). Connect to it:
  curl:   curl -k -u admin:$password $api/2/instances?bulk=1
  Python: /usr/bin/python3 -c 'from ganeti.rapi import client as c; import pycurl; pycurl.global_init(pycurl.GLOBAL_ALL);
          print(c.GanetiRapiClient("127.0.0.1", port=$port, username="admin", password="$password").GetInstances(bulk=True))'
  pwsh:   Import-Module $repo/out/GanetiCluster/0.1.0/GanetiCluster.psd1   # after: pwsh ./build.ps1
          Connect-GntCluster -Server 127.0.0.1:$port -Credential (Get-Credential admin) -SkipCertificateCheck
          Get-GntInstance
The RAPI password is in $demo/rapi-password. Stop the master with: $0 stop
EOT
