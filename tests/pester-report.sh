#!/usr/bin/env bash
# Reports the Pester tests of the GanetiCluster module. Where pwsh and Pester 5 exist it runs
# them; where they do not (CI here), it counts the It blocks and says loudly that they did not run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$here/Pester"

# Static It blocks; a -ForEach It runs once per item, so its item count is added instead of 1.
count=0
for f in "$dir"/*.Tests.ps1; do
    n=$(grep -cE '^[[:space:]]*It[[:space:]]' "$f" || true)
    count=$((count + n))
    # "It '... <_>' -ForEach @(" lists its cases, quoted, until the closing ") {".
    extra=$(awk '/^[[:space:]]*It .*-ForEach @\(/{on=1; next} on && /\)[[:space:]]*\{/{on=0} on' "$f" | { grep -oE "'[^']+'" || true; } | wc -l)
    if [ "$extra" -gt 0 ]; then count=$((count + extra - 1)); fi
done

if command -v pwsh >/dev/null 2>&1 && pwsh -NoProfile -Command "if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0.0') { exit 0 } else { exit 1 }" >/dev/null 2>&1; then
    echo "Running $count Pester tests with $(pwsh -NoProfile -Command '$PSVersionTable.PSVersion.ToString()')"
    exec pwsh -NoProfile -File "$dir/run.ps1"
fi

reason="pwsh not found"
if command -v pwsh >/dev/null 2>&1; then reason="Pester 5 not installed for pwsh"; fi
echo "************************************************************************"
echo "*** $count Pester tests not run: $reason"
echo "*** (tests/Pester/*.Tests.ps1; run them with: pwsh tests/Pester/run.ps1)"
echo "************************************************************************"
