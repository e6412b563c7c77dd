#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds the GanetiCluster module into out/GanetiCluster/<version>/ and optionally runs its tests.
.DESCRIPTION
    Compiles src/Ganeti.PowerShell, converts docs/en-US to MAML help with tools/HelpGen and lays
    out a publishable module folder. -Test also runs the xunit tests of the module and, when
    Pester 5 is installed, the Pester tests (which start a live single-node master).
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [switch] $Test
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$version = (Import-PowerShellDataFile (Join-Path $root 'GanetiCluster.psd1')).ModuleVersion
$bin = Join-Path $root "out/build/$Configuration"
$moduleDir = Join-Path $root "out/GanetiCluster/$version"

dotnet build (Join-Path $root 'src/Ganeti.PowerShell/Ganeti.PowerShell.csproj') -c $Configuration -o $bin --nologo
if ($LASTEXITCODE) { throw "Building the module failed ($LASTEXITCODE)" }

dotnet run --project (Join-Path $root 'tools/HelpGen') -c $Configuration -- layout --repo $root --bin $bin --out $moduleDir
if ($LASTEXITCODE) { throw "Laying out the module failed ($LASTEXITCODE)" }

Test-ModuleManifest (Join-Path $moduleDir 'GanetiCluster.psd1') | Out-Null
Write-Host "GanetiCluster $version is in $moduleDir"

if ($Test) {
    dotnet test (Join-Path $root 'tests/Ganeti.PowerShell.Tests') -c $Configuration --nologo
    if ($LASTEXITCODE) { throw "xunit tests failed" }
    dotnet test (Join-Path $root 'tests/Ganeti.Remoting.Tests') -c $Configuration --nologo
    if ($LASTEXITCODE) { throw "xunit tests failed" }
    & (Join-Path $root 'tests/Pester/run.ps1') -ModulePath $moduleDir
}
