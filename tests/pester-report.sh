#!/usr/bin/env bash
# Runs the Pester suites where pwsh and Pester 5 exist; otherwise says loudly how many were not run.
cd "$(dirname "$0")/.."
count=$(grep -hcE "^\s*It\s+['\"]" tests/Pester/*.Tests.ps1 2>/dev/null | awk '{s+=$1} END {print s+0}')
if command -v pwsh >/dev/null 2>&1 && pwsh -NoProfile -Command "if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0') { exit 0 } else { exit 1 }"; then
  pwsh -NoProfile -File tests/Pester/run.ps1
  exit $?
fi
echo "!!! ${count} Pester tests NOT RUN: pwsh with Pester 5 is not installed on this machine."
echo "!!! They run with: pwsh -File tests/Pester/run.ps1"
exit 0
