#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
    # Diskless fake-hypervisor instances: fast, and they need neither DNS nor an OS install.
    $script:common = @{ DiskTemplate = 'diskless'; NoInstall = $true; NoNameCheck = $true; Confirm = $false }
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'New-GntInstance' {
    It 'creates an instance, waits for the job and writes the new instance' {
        $i = New-GntInstance -Name 'pester-web1' -OS 'pester-noop+default' -Memory 128M -VCpus 1 @common
        $i | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntInstance'
        $i.Name | Should -Be 'pester-web1'
        $i.Status | Should -Be 'running'
        $i.MemoryMB | Should -Be 128
        $i.PrimaryNode | Should -Be (Get-GntNode)[0].Name
    }

    It 'streams the job log to the verbose stream' {
        $verbose = New-GntInstance -Name 'pester-verbose' -NoStart @common -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Submitted job \d+'
    }

    It 'creates one instance per row of Import-Csv' {
        $csv = Join-Path $TestDrive 'new.csv'
        @(
            [pscustomobject]@{ Name = 'pester-csv1'; DiskTemplate = 'diskless'; Memory = '128'; VCpus = '1' }
            [pscustomobject]@{ Name = 'pester-csv2'; DiskTemplate = 'diskless'; Memory = '256M'; VCpus = '2' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $created = Import-Csv $csv | New-GntInstance -NoInstall -NoNameCheck -NoStart
        $created.Name | Should -Be @('pester-csv1', 'pester-csv2')
        (Get-GntInstance pester-csv2).VCpus | Should -Be 2
        (Get-GntInstance pester-csv2).MemoryMB | Should -Be 256
    }

    It 'creates a file-disk instance with a size in GiB' {
        $i = New-GntInstance -Name 'pester-file1' -DiskTemplate file -DiskSize 1G -NoInstall -NoNameCheck -NoStart -Confirm:$false
        $i.DiskTemplate | Should -Be 'file'
        $i.Disks[0].SizeMB | Should -Be 1024
    }

    It 'with -WhatIf checks on the master and creates nothing' {
        New-GntInstance -Name 'pester-whatif' @common -WhatIf
        Get-GntInstance -Name 'pester-whatif' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'with -WhatIf reports what would fail, with the error kind' {
        $null = New-GntInstance -Name 'pester-web1' @common -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GntAlreadyExists,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'reports a duplicate name as GntAlreadyExists and goes on with the next item' {
        $rows = @([pscustomobject]@{ Name = 'pester-web1' }, [pscustomobject]@{ Name = 'pester-dup-ok' })
        $created = $rows | New-GntInstance @common -ErrorVariable errs -ErrorAction SilentlyContinue
        $created.Name | Should -Be 'pester-dup-ok'
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntAlreadyExists,Ganeti.PowerShell.Commands.NewGntInstanceCommand'
        $errs[0].TargetObject | Should -Be 'pester-web1'
    }

    It 'returns the job with -NoWait, which Wait-GntJob can wait for' {
        $job = New-GntInstance -Name 'pester-nowait' -NoWait @common
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($job | Wait-GntJob).Status | Should -Be 'success'
    }
}

Describe 'Get-GntInstance' {
    It 'lists with wildcards and several names' {
        $names = (Get-GntInstance 'pester-csv*', 'pester-web1').Name
        $names | Should -Contain 'pester-csv1'
        $names | Should -Contain 'pester-csv2'
        $names | Should -Contain 'pester-web1'
    }

    It 'reports a missing exact name as non-terminating GntInstanceNotFound' {
        $found = Get-GntInstance 'pester-missing', 'pester-web1' -ErrorVariable errs -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'pester-web1'
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntInstanceNotFound,Ganeti.PowerShell.Commands.GetGntInstanceCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'filters by node' {
        $node = (Get-GntNode)[0].Name
        (Get-GntInstance -Node $node).Name | Should -Contain 'pester-web1'
        Get-GntInstance -Node 'no-such-node' | Should -BeNullOrEmpty
    }

    It 'asks for only the given properties with -Property' {
        $i = Get-GntInstance pester-web1 -Property status
        $i.Status | Should -Be 'running'
        $i.OS | Should -BeNullOrEmpty
    }

    It 'formats as table and list without errors' {
        { Get-GntInstance | Format-Table | Out-String } | Should -Not -Throw
        { Get-GntInstance | Format-List | Out-String } | Should -Not -Throw
    }

    It 'completes instance names with Tab' {
        $line = 'Stop-GntInstance -Name pester-cs'
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches.CompletionText | Should -Contain 'pester-csv1'
    }
}

Describe 'Stop-, Start- and Restart-GntInstance' {
    It 'stops the instances piped from Get-GntInstance' {
        Get-GntInstance pester-web1 | Stop-GntInstance -Confirm:$false
        (Get-GntInstance pester-web1).Status | Should -Be 'ADMIN_down'
    }

    It 'starts them again and writes them with -PassThru' {
        $i = Get-GntInstance pester-web1 | Start-GntInstance -PassThru
        $i.Status | Should -Be 'running'
    }

    It 'returns the job with -NoWait and Wait-GntJob waits for it' {
        $job = Stop-GntInstance pester-web1 -NoWait -Confirm:$false
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        $done = $job | Wait-GntJob
        $done.Status | Should -Be 'success'
        (Get-GntInstance pester-web1).Status | Should -Be 'ADMIN_down'
        Start-GntInstance pester-web1
    }

    It 'with -WhatIf leaves the instance as it was' {
        Stop-GntInstance pester-web1 -WhatIf
        (Get-GntInstance pester-web1).Status | Should -Be 'running'
    }

    It 'expands wildcards in -Name' {
        Start-GntInstance 'pester-csv*'
        (Get-GntInstance 'pester-csv*').Status | Should -Be @('running', 'running')
    }

    It 'reboots an instance' {
        $i = Restart-GntInstance pester-web1 -Type Hard -PassThru -Confirm:$false
        $i.Status | Should -Be 'running'
    }

    It 'reports an unknown instance with an error naming it' {
        $null = Start-GntInstance pester-nope -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeIn @(
            'GntUnknownEntity,Ganeti.PowerShell.Commands.StartGntInstanceCommand',
            'GntNotFound,Ganeti.PowerShell.Commands.StartGntInstanceCommand')
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'pester-nope'
        $errs[0].Exception.Message | Should -Not -Match '<html|Traceback|   at '
    }
}

Describe 'Rename-GntInstance' {
    It 'renames and writes the renamed instance' {
        # As in Ganeti, only a stopped instance can be renamed.
        Stop-GntInstance pester-csv2 -Confirm:$false
        $i = Rename-GntInstance pester-csv2 pester-renamed -NoNameCheck -PassThru -Confirm:$false
        $i.Name | Should -Be 'pester-renamed'
        Get-GntInstance pester-csv2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Remove-GntInstance' {
    It 'with -WhatIf removes nothing' {
        Remove-GntInstance pester-renamed -WhatIf
        Get-GntInstance pester-renamed | Should -Not -BeNullOrEmpty
    }

    It 'removes the instances piped to it' {
        Get-GntInstance pester-renamed, pester-nowait | Remove-GntInstance -Confirm:$false
        Get-GntInstance pester-renamed, pester-nowait -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'is marked as high impact, so it asks by default' {
        (Get-Command Remove-GntInstance).ImplementingType.GetCustomAttributes($true) |
            Where-Object { $_ -is [System.Management.Automation.CmdletAttribute] } |
            ForEach-Object ConfirmImpact | Should -Be 'High'
    }
}
