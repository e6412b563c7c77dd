# Shared by the Pester tests: build or locate the module and ganetid, start and stop a live
# single-node master (fake hypervisor, diskless and file disks) on a free loopback port.
Set-StrictMode -Version Latest

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-GntTestModulePath {
    if ($env:GNT_TEST_MODULE_PATH) { return $env:GNT_TEST_MODULE_PATH }
    $version = (Import-PowerShellDataFile (Join-Path $script:RepoRoot 'GanetiCluster.psd1')).ModuleVersion
    $path = Join-Path $script:RepoRoot "out/GanetiCluster/$version"
    # Laid out once per test run, so the tests never meet a stale module.
    & (Join-Path $script:RepoRoot 'build.ps1') -Configuration Debug | Out-Host
    $env:GNT_TEST_MODULE_PATH = $path
    return $path
}

function Get-GntTestDaemonPath {
    if ($env:GNT_TEST_GANETID) { return $env:GNT_TEST_GANETID }
    $out = Join-Path $script:RepoRoot 'out/test-daemon'
    $dll = Join-Path $out 'ganetid.dll'
    # Built once per test run (incrementally), so the tests never meet a stale daemon.
    dotnet build (Join-Path $script:RepoRoot 'src/Ganeti.Daemon/Ganeti.Daemon.csproj') -o $out --nologo -v q | Out-Host
    if ($LASTEXITCODE) { throw "Building ganetid failed ($LASTEXITCODE)" }
    $env:GNT_TEST_GANETID = $dll
    return $dll
}

function Import-GntTestModule {
    Import-Module (Join-Path (Get-GntTestModulePath) 'GanetiCluster.psd1') -Force -ErrorAction Stop
}

function Get-GntFreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function New-GntTestOS([string] $Root, [string] $Name = 'pester-noop') {
    # A minimal OS definition (Ganeti OS API 20) whose scripts succeed without doing anything.
    $dir = Join-Path $Root "srv/ganeti/os/$Name"
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    Set-Content -Path (Join-Path $dir 'ganeti_api_version') -Value '20'
    Set-Content -Path (Join-Path $dir 'variants.list') -Value 'default'
    # API 20 needs the list of OS parameters, even an empty one.
    Set-Content -Path (Join-Path $dir 'parameters.list') -Value $null
    foreach ($script in 'create', 'import', 'export', 'rename', 'verify') {
        $file = Join-Path $dir $script
        Set-Content -Path $file -Value "#!/bin/sh`nexit 0"
        chmod +x $file
    }
}

function New-GntTestCopyOS([string] $Root, [string] $Name = 'pester-copy') {
    # An OS definition whose export and import scripts copy the disk's bytes, so an export and
    # import round trip carries data; create writes a marker that a reinstall can be seen by.
    New-GntTestOS -Root $Root -Name $Name
    $dir = Join-Path $Root "srv/ganeti/os/$Name"
    $scripts = @{
        create = 'printf "installed %s reinstall=%s\n" "$INSTANCE_NAME" "${INSTANCE_REINSTALL:-0}" | dd of="$DISK_0_PATH" conv=notrunc 2>/dev/null'
        export = 'cat "$EXPORT_DEVICE"'
        import = 'dd of="$IMPORT_DEVICE" conv=notrunc 2>/dev/null'
    }
    foreach ($script in $scripts.Keys) {
        $file = Join-Path $dir $script
        Set-Content -Path $file -Value "#!/bin/sh`nset -e`n$($scripts[$script])"
        chmod +x $file
    }
}

function Start-GntTestMaster {
    [CmdletBinding()]
    param([string] $ClusterName = 'pester.cluster.test')

    $daemon = Get-GntTestDaemonPath
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("gnt-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $root | Out-Null
    $port = Get-GntFreePort
    New-GntTestOS -Root $root

    $init = & dotnet $daemon init --root $root --cluster-name $ClusterName --enabled-hypervisors fake `
        --enabled-disk-templates 'diskless,file' --node-name node1.pester.test --primary-ip 127.0.0.1 2>&1
    if ($LASTEXITCODE) { throw "ganetid init failed ($LASTEXITCODE): $init" }

    $users = Join-Path $root 'var/lib/ganeti/rapi/users'
    New-Item -ItemType Directory -Force -Path (Split-Path $users) | Out-Null
    Set-Content -Path $users -Value @('admin {cleartext}pester-secret write', 'reader {cleartext}pester-read read')

    $log = Join-Path $root 'master.log'
    $process = Start-Process -FilePath 'dotnet' -PassThru -RedirectStandardError $log -RedirectStandardOutput "$log.out" `
        -ArgumentList @($daemon, 'master', '--root', $root, '--rapi-bind', '127.0.0.1', '--rapi-port', "$port")

    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        try {
            $v = Invoke-RestMethod -Uri "https://127.0.0.1:$port/version" -SkipCertificateCheck -TimeoutSec 2
            if ($v -eq 2) { break }
        } catch {
            if ($process.HasExited) { throw "ganetid master exited ($($process.ExitCode)): $(Get-Content $log -Raw)" }
            if ([DateTime]::UtcNow -gt $deadline) { throw "ganetid master did not answer on port $port within 60 s" }
            Start-Sleep -Milliseconds 200
        }
    }

    # Trust decisions go to a file of this test run, never the user's own.
    $env:GANETICLUSTER_KNOWN_HOSTS = Join-Path $root 'known_hosts'

    [pscustomobject]@{
        Root           = $root
        Port           = $port
        Server         = "127.0.0.1:$port"
        ClusterName    = $ClusterName
        Process        = $process
        Credential     = [pscredential]::new('admin', (ConvertTo-SecureString 'pester-secret' -AsPlainText -Force))
        ReadCredential = [pscredential]::new('reader', (ConvertTo-SecureString 'pester-read' -AsPlainText -Force))
        KnownHosts     = $env:GANETICLUSTER_KNOWN_HOSTS
    }
}

function Stop-GntTestMaster($Master) {
    if (-not $Master) { return }
    Get-Module GanetiCluster | ForEach-Object { Disconnect-GntCluster -ErrorAction SilentlyContinue }
    if (-not $Master.Process.HasExited) {
        Stop-Process -Id $Master.Process.Id -ErrorAction SilentlyContinue
        $Master.Process.WaitForExit(10000) | Out-Null
    }
    Remove-Item -Recurse -Force $Master.Root -ErrorAction SilentlyContinue
}

function Connect-GntTestMaster($Master) {
    Connect-GntCluster -Server $Master.Server -Credential $Master.Credential -WarningAction SilentlyContinue
}
