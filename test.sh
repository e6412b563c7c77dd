#!/usr/bin/env bash
# Runs every test of GanetiCluster: the xunit suites (unit, RAPI, lab tests with real qemu,
# sshd and network namespaces) and reports the Pester suites, which need pwsh.
# Ends with the line "N passed, N failed" (the xunit totals); exits non-zero on any failure,
# Pester's included.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== build"
if ! dotnet build Ganeti.sln -c Release -nologo -v q >"$log" 2>&1; then
  grep -E "error" "$log" | sort -u | head -50
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== dotnet test"
dotnet test Ganeti.sln -c Release --no-build -nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0; failed=0
while read -r f p; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(grep -oE "Failed: +[0-9]+, Passed: +[0-9]+" "$log" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1 \2/')

echo "== Pester"
# Where pwsh and Pester exist the Pester suites run, and their failures fail the run too; the
# totals below stay the dotnet ones.
pester=0
bash tests/pester-report.sh || pester=$?
[ "$pester" -eq 0 ] || echo "Pester: some tests failed (exit code $pester); see above"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host that crashed reports no totals: count it as a failure.
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$pester" -eq 0 ]
