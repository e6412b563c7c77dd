#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Runs the GanetiCluster Pester tests against a freshly built module and live masters.
.EXAMPLE
    ./tests/Pester/run.ps1
.EXAMPLE
    ./tests/Pester/run.ps1 -ModulePath ./out/GanetiCluster/0.1.0 -Path ./tests/Pester/Instance.Tests.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [string] $DaemonPath,
    [string[]] $Path = @($PSScriptRoot),
    [string] $ResultPath
)
$ErrorActionPreference = 'Stop'

$pester = Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0.0' | Sort-Object Version -Descending | Select-Object -First 1
if (-not $pester) {
    throw 'Pester 5 is needed: Install-Module Pester -MinimumVersion 5.0.0 -Scope CurrentUser'
}
Import-Module $pester -Force

. (Join-Path $PSScriptRoot 'Common.ps1')
if ($ModulePath) { $env:GNT_TEST_MODULE_PATH = (Resolve-Path $ModulePath).Path }
if ($DaemonPath) { $env:GNT_TEST_GANETID = (Resolve-Path $DaemonPath).Path }
# Build once here rather than in every test file.
$null = Get-GntTestModulePath
$null = Get-GntTestDaemonPath

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.Exit = $true
$config.Output.Verbosity = 'Detailed'
if ($ResultPath) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = $ResultPath
}
Invoke-Pester -Configuration $config
