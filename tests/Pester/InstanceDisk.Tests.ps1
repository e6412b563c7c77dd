#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    New-GntTestCopyOS -Root $master.Root
    $null = Connect-GntTestMaster $master
    # A stopped file-disk instance whose OS create script writes a marker at the disk's start.
    $null = New-GntInstance -Name 'pester-disk1' -OS 'pester-copy+default' -DiskTemplate file -DiskSize 64M -NoNameCheck -NoStart -Confirm:$false

    function Get-DiskMarker([string] $Instance) {
        $device = Mount-GntInstanceDisk $Instance
        try { (Get-Content -LiteralPath $device[0].Path -TotalCount 1 -Encoding utf8) -replace '\x00', '' }
        finally { Dismount-GntInstanceDisk $Instance }
    }
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Mount-GntInstanceDisk' {
    It 'activates the disks of a stopped instance and writes where each one is' {
        $devices = Mount-GntInstanceDisk pester-disk1
        try {
            $devices | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntInstanceDiskDevice'
            @($devices).Count | Should -Be 1
            $devices.InstanceName | Should -Be 'pester-disk1'
            $devices.IvName | Should -Be 'disk/0'
            $devices.Node | Should -Be (Get-GntNode)[0].Name
            Test-Path -LiteralPath $devices.Path | Should -BeTrue
            (Get-Content -LiteralPath $devices.Path -TotalCount 1) | Should -Match '^installed pester-disk1 reinstall=0'
        } finally {
            Dismount-GntInstanceDisk pester-disk1
        }
    }

    It 'binds instances from the pipeline and formats as table and list' {
        $devices = Get-GntInstance pester-disk1 | Mount-GntInstanceDisk
        { $devices | Format-Table | Out-String } | Should -Not -Throw
        { $devices | Format-List | Out-String } | Should -Not -Throw
        Dismount-GntInstanceDisk pester-disk1
    }

    It 'with -WhatIf checks on the master and reports an unknown instance' {
        $out = Mount-GntInstanceDisk pester-nosuch -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'pester-nosuch'
    }

    It 'returns the job with -NoWait' {
        $job = Mount-GntInstanceDisk pester-disk1 -NoWait
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($job | Wait-GntJob).Status | Should -Be 'success'
        Dismount-GntInstanceDisk pester-disk1
    }
}

Describe 'Dismount-GntInstanceDisk' {
    It 'deactivates the disks and writes the instance with -PassThru' {
        $null = Mount-GntInstanceDisk pester-disk1
        $i = Dismount-GntInstanceDisk pester-disk1 -PassThru
        $i | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntInstance'
        $i.Name | Should -Be 'pester-disk1'
    }

    It 'refuses a running instance with GntWrongState' {
        Start-GntInstance pester-disk1
        try {
            Dismount-GntInstanceDisk pester-disk1 -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'GntWrongState,Ganeti.PowerShell.Commands.DismountGntInstanceDiskCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            Dismount-GntInstanceDisk pester-disk1 -WhatIf -ErrorVariable dryErrs -ErrorAction SilentlyContinue
            $dryErrs[0].FullyQualifiedErrorId | Should -BeLike 'GntWrongState,*'
        } finally {
            Stop-GntInstance pester-disk1 -Confirm:$false
        }
    }
}

Describe 'Resize-GntInstanceDisk' {
    It 'grows a disk by an amount given with a unit' {
        $i = Resize-GntInstanceDisk pester-disk1 -Index 0 -Amount 64M -PassThru
        $i.Disks[0].SizeMB | Should -Be 128
    }

    It 'grows a disk to a size given as a PowerShell size literal' {
        $i = Resize-GntInstanceDisk pester-disk1 0 -Size 256MB -PassThru
        $i.Disks[0].SizeMB | Should -Be 256
        $device = Mount-GntInstanceDisk pester-disk1
        try { (Get-Item -LiteralPath $device.Path).Length | Should -Be (256MB) }
        finally { Dismount-GntInstanceDisk pester-disk1 }
    }

    It 'keeps the data on the disk' {
        Get-DiskMarker pester-disk1 | Should -Match '^installed pester-disk1'
    }

    It 'with -WhatIf grows nothing' {
        Resize-GntInstanceDisk pester-disk1 0 1GB -WhatIf
        (Get-GntInstance pester-disk1).Disks[0].SizeMB | Should -Be 256
    }

    It 'reports a disk index the instance does not have as GntWrongInput' {
        Resize-GntInstanceDisk pester-disk1 -Index 3 -Amount 1G -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntWrongInput,Ganeti.PowerShell.Commands.ResizeGntInstanceDiskCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses to shrink a disk' {
        Resize-GntInstanceDisk pester-disk1 -Index 0 -Size 100M -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-GntInstance pester-disk1).Disks[0].SizeMB | Should -Be 256
    }

    It 'rejects a size it cannot read before asking the master' {
        { Resize-GntInstanceDisk pester-disk1 -Index 0 -Amount 'lots' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntInvalidArgument,Ganeti.PowerShell.Commands.ResizeGntInstanceDiskCommand'
    }
}

Describe 'Install-GntInstanceOS' {
    It 'is marked as high impact, so it asks by default' {
        (Get-Command Install-GntInstanceOS).ImplementingType.GetCustomAttributes($true) |
            Where-Object { $_ -is [System.Management.Automation.CmdletAttribute] } |
            ForEach-Object ConfirmImpact | Should -Be 'High'
    }

    It 'with -WhatIf checks on the master and reinstalls nothing' {
        Install-GntInstanceOS pester-disk1 -WhatIf
        Get-DiskMarker pester-disk1 | Should -Match 'reinstall=0'
    }

    It 'with -WhatIf reports an unknown OS' {
        Install-GntInstanceOS pester-disk1 -OS 'pester-nosuch-os' -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Gnt*,Ganeti.PowerShell.Commands.InstallGntInstanceOSCommand'
    }

    It 'reinstalls a stopped instance and leaves it stopped with -NoStart' {
        $i = Install-GntInstanceOS pester-disk1 -NoStart -PassThru -Confirm:$false
        $i.Status | Should -Be 'ADMIN_down'
        Get-DiskMarker pester-disk1 | Should -Match '^installed pester-disk1 reinstall=1'
    }

    It 'stops a running instance, reinstalls it with the given OS and starts it again' {
        Start-GntInstance pester-disk1
        $i = Get-GntInstance pester-disk1 | Install-GntInstanceOS -OS 'pester-noop+default' -PassThru -Confirm:$false
        $i.Status | Should -Be 'running'
        $i.OS | Should -Be 'pester-noop+default'
        Stop-GntInstance pester-disk1 -Confirm:$false
    }
}
