#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    New-GntTestCopyOS -Root $master.Root
    $null = Connect-GntTestMaster $master
    $null = New-GntInstance -Name 'pester-mod1' -OS 'pester-copy+default' -DiskTemplate file -DiskSize 64M -NoNameCheck -NoStart -Confirm:$false
    $null = New-GntInstance -Name 'pester-mod2' -OS 'pester-copy+default' -DiskTemplate file -DiskSize 64M -NoNameCheck -Confirm:$false
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Set-GntInstance' {
    It 'without a change is a terminating InvalidArgument error' {
        { Set-GntInstance pester-mod1 -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntInvalidModification,Ganeti.PowerShell.Commands.SetGntInstanceCommand'
    }

    It 'changes memory and CPUs and -PassThru writes the instance as it is after the job' {
        $inst = Set-GntInstance pester-mod1 -Memory 256M -VCpus 2 -PassThru
        $inst | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntInstance'
        $inst.MemoryMB | Should -Be 256
        $inst.MinMemoryMB | Should -Be 256
        $inst.VCpus | Should -Be 2
    }

    It 'sets a backend parameter from a hashtable and $null resets it to the cluster value' {
        (Set-GntInstance pester-mod1 -BeParams @{ spindle_use = 2 } -PassThru).CustomBeParams['spindle_use'] | Should -Be 2
        (Set-GntInstance pester-mod1 -BeParams @{ spindle_use = $null } -PassThru).CustomBeParams['spindle_use'] | Should -BeNullOrEmpty
    }

    It 'adds, changes and removes NICs by index and name' {
        $inst = Set-GntInstance pester-mod1 -AddNic 'link=br1,name=back' -PassThru
        @($inst.Nics).Count | Should -Be 2
        $inst.Nics[1].Name | Should -Be 'back'
        $inst.Nics[1].Link | Should -Be 'br1'
        (Set-GntInstance pester-mod1 -SetNic @{ back = @{ link = 'br2' } } -PassThru).Nics[1].Link | Should -Be 'br2'
        @((Set-GntInstance pester-mod1 -RemoveNic back -PassThru).Nics).Count | Should -Be 1
    }

    It 'adds and removes a disk on a stopped instance' {
        $inst = Set-GntInstance pester-mod1 -AddDisk 'size=32M,name=data' -PassThru
        @($inst.Disks).Count | Should -Be 2
        $inst.Disks[1].SizeMB | Should -Be 32
        @((Set-GntInstance pester-mod1 -RemoveDisk data -PassThru).Disks).Count | Should -Be 1
    }

    It 'refuses to remove a disk of a running instance with InvalidOperation' {
        Set-GntInstance pester-mod2 -RemoveDisk 0 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].TargetObject | Should -Be 'pester-mod2'
        @((Get-GntInstance pester-mod2).Disks).Count | Should -Be 1
    }

    It 'balloons a running instance with -RuntimeMemory' {
        Set-GntInstance pester-mod2 -RuntimeMemory 64M -Force
        (Get-GntInstance pester-mod2).OperMemoryMB | Should -Be 64
    }

    It 'with -WhatIf checks on the master and changes nothing' {
        $before = (Get-GntInstance pester-mod1).VCpus
        Set-GntInstance pester-mod1 -VCpus 3 -WhatIf
        (Get-GntInstance pester-mod1).VCpus | Should -Be $before
        Set-GntInstance pester-mod1 -BeParams @{ minmem = 100000 } -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'takes instances from the pipeline and returns jobs with -NoWait' {
        $jobs = Get-GntInstance pester-mod* | Set-GntInstance -HvParams @{ migration_mode = 'non-live' } -NoWait
        @($jobs).Count | Should -Be 2
        $jobs | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($jobs | Wait-GntJob).Status | Should -Be @('success', 'success')
        (Get-GntInstance pester-mod2).CustomHvParams['migration_mode'] | Should -Be 'non-live'
    }

    It 'reports an unknown instance as ObjectNotFound' {
        Set-GntInstance pester-nosuch -VCpus 2 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
