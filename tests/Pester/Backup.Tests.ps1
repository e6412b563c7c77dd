#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    # Its export and import scripts copy the disk, so the data makes the round trip.
    New-GntTestCopyOS -Root $master.Root
    $null = Connect-GntTestMaster $master
    $script:node = (Get-GntNode)[0].Name
    $script:payload = 'pester-payload-42'

    function Read-DiskStart([string] $Instance) {
        $device = Mount-GntInstanceDisk $Instance
        try { (Get-Content -LiteralPath $device[0].Path -TotalCount 1) -replace '\x00', '' }
        finally { Dismount-GntInstanceDisk $Instance }
    }

    $null = New-GntInstance -Name 'pester-src' -OS 'pester-copy+default' -DiskTemplate file -DiskSize 64M -Memory 128M -NoNameCheck -NoStart -Confirm:$false
    $device = Mount-GntInstanceDisk 'pester-src'
    $stream = [System.IO.File]::OpenWrite($device.Path)
    try { $bytes = [System.Text.Encoding]::ASCII.GetBytes("$payload`n"); $stream.Write($bytes, 0, $bytes.Length) }
    finally { $stream.Dispose() }
    Dismount-GntInstanceDisk 'pester-src'
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Export-GntInstance' {
    It 'with -WhatIf checks on the master and reports an unknown target node' {
        $out = Export-GntInstance pester-src -Node 'pester-nosuch-node' -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'exports an instance to its primary node and writes the export' {
        $script:export = Export-GntInstance pester-src
        $export | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntExport'
        $export.InstanceName | Should -Be 'pester-src'
        $export.Node | Should -Be $node
        $export.Path | Should -BeLike '*/export/pester-src'
        Test-Path -LiteralPath $export.Path | Should -BeTrue
        $export.DiskTemplate | Should -Be 'file'
        $export.DiskSizeMB | Should -Be @(64)
        $export.MemoryMB | Should -Be 128
        $export.OS | Should -Be 'pester-copy+default'
        $export.InstanceRemoved | Should -BeFalse
        $export.JobId | Should -BeGreaterThan 0
        (Get-GntInstance pester-src).Status | Should -Be 'ADMIN_down'
    }

    It 'refuses a transport compression the disk streams do not know, before asking the master' {
        { Export-GntInstance pester-src -Compress lz4 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Ganeti.PowerShell.Commands.ExportGntInstanceCommand'
    }

    It 'hands -Compress to the master, whose dry run accepts it' {
        $out = Export-GntInstance pester-src -Node $node -Compress gzip-fast -WhatIf -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 0
    }

    It 'formats as table and list' {
        { $export | Format-Table | Out-String } | Should -Not -Throw
        { $export | Format-List | Out-String } | Should -Not -Throw
    }
}

Describe 'Import-GntInstance' {
    It 'creates an instance from the export piped to it, with the data' {
        $i = $export | Import-GntInstance -Name 'pester-copy1' -NoNameCheck -NoStart
        $i | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntInstance'
        $i.Name | Should -Be 'pester-copy1'
        $i.DiskTemplate | Should -Be 'file'
        $i.Disks[0].SizeMB | Should -Be 64
        $i.MemoryMB | Should -Be 128
        $i.PrimaryNode | Should -Be $node
        Read-DiskStart 'pester-copy1' | Should -Be $payload
    }

    It 'creates an instance from -SourceNode and -SourcePath and starts it' {
        $i = Import-GntInstance -Name 'pester-copy2' -SourceNode $node -SourcePath $export.Path -DiskTemplate file -DiskSize 64M -NoNameCheck
        $i.Status | Should -Be 'running'
        Stop-GntInstance 'pester-copy2' -Confirm:$false
        Read-DiskStart 'pester-copy2' | Should -Be $payload
    }

    It 'imports with -Compress, the data intact' {
        $i = $export | Import-GntInstance -Name 'pester-copy-gz' -Compress gzip -NoNameCheck -NoStart
        $i.Name | Should -Be 'pester-copy-gz'
        Read-DiskStart 'pester-copy-gz' | Should -Be $payload
    }

    It 'with -WhatIf creates nothing' {
        $export | Import-GntInstance -Name 'pester-copy-whatif' -NoNameCheck -WhatIf
        Get-GntInstance 'pester-copy-whatif' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports an existing name as GntAlreadyExists' {
        $export | Import-GntInstance -Name 'pester-copy1' -NoNameCheck -NoStart -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntAlreadyExists,Ganeti.PowerShell.Commands.ImportGntInstanceCommand'
        $errs[0].TargetObject | Should -Be 'pester-copy1'
    }

    It 'needs the node that holds the export' {
        Import-GntInstance -Name 'pester-copy3' -SourcePath $export.Path -DiskSize 64M -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GntInvalidArgument,*'
    }

    It 'restores an instance exported with -RemoveInstance under its own name' {
        $e = Export-GntInstance 'pester-copy2' -RemoveInstance
        $e.InstanceRemoved | Should -BeTrue
        Get-GntInstance 'pester-copy2' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $i = $e | Import-GntInstance -NoNameCheck -NoStart
        $i.Name | Should -Be 'pester-copy2'
        Read-DiskStart 'pester-copy2' | Should -Be $payload
    }
}

Describe 'Remove-GntInstanceExport' {
    It 'is marked as high impact, so it asks by default' {
        (Get-Command Remove-GntInstanceExport).ImplementingType.GetCustomAttributes($true) |
            Where-Object { $_ -is [System.Management.Automation.CmdletAttribute] } |
            ForEach-Object ConfirmImpact | Should -Be 'High'
    }

    It 'with -WhatIf removes nothing' {
        Remove-GntInstanceExport pester-src -WhatIf
        Test-Path -LiteralPath $export.Path | Should -BeTrue
    }

    It 'removes the export piped to it' {
        $export | Remove-GntInstanceExport -Confirm:$false
        Test-Path -LiteralPath $export.Path | Should -BeFalse
    }

    It 'reports an instance without an export as GntUnknownEntity' {
        Remove-GntInstanceExport pester-src -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntUnknownEntity,Ganeti.PowerShell.Commands.RemoveGntInstanceExportCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'pester-src'
    }
}
