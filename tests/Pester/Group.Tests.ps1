#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
    $script:node = (Get-GntNode)[0].Name
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Get-GntGroup' {
    It 'lists the default group holding the only node' {
        $groups = @(Get-GntGroup)
        $groups.Count | Should -Be 1
        $groups[0] | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntGroup'
        $groups[0].Name | Should -Be 'default'
        $groups[0].AllocPolicy | Should -Be 'preferred'
        $groups[0].NodeCount | Should -Be 1
        $groups[0].Nodes | Should -Be @($node)
        $groups[0].Uuid | Should -Be (Get-GntNode $node).GroupUuid
        $groups[0].IPolicy.Keys | Should -Contain 'minmax'
    }

    It 'selects by exact name, wildcard and pipeline, and reports a missing exact name as GntGroupNotFound' {
        (Get-GntGroup -Name 'def*').Name | Should -Be 'default'
        ('default' | Get-GntGroup).Name | Should -Be 'default'
        @(Get-GntGroup -Name 'no-such-group*').Count | Should -Be 0
        $found = Get-GntGroup -Name 'no-such-group', 'default' -ErrorVariable errs -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'default'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntGroupNotFound,Ganeti.PowerShell.Commands.GetGntGroupCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-group'
    }

    It 'formats as table and list without errors, the table showing the node count and policy' {
        $table = Get-GntGroup | Format-Table | Out-String
        $table | Should -Match 'default\s+1\s+preferred'
        { Get-GntGroup | Format-List | Out-String } | Should -Not -Throw
    }

    It 'completes group names with Tab' {
        $line = 'Get-GntGroup -Name de'
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches.CompletionText | Should -Contain 'default'
    }
}

Describe 'New-GntGroup' {
    It 'creates a group with its policy and overrides and writes it' {
        $g = New-GntGroup 'pester-rack1' -AllocPolicy last_resort -NodeParameter @{ Spindle_Count = 2 } `
            -DiskParameter @{ drbd = @{ 'resync-rate' = 2048 } } -InstancePolicy @{ 'vcpu-ratio' = 2.5 }
        $g | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntGroup'
        $g.Name | Should -Be 'pester-rack1'
        $g.AllocPolicy | Should -Be 'last_resort'
        $g.NodeCount | Should -Be 0
        $g.CustomNdParams.spindle_count | Should -Be 2
        $g.NdParams.spindle_count | Should -Be 2
        $g.CustomDiskParams.drbd.'resync-rate' | Should -Be 2048
        $g.CustomIPolicy.'vcpu-ratio' | Should -Be 2.5
    }

    It 'with -WhatIf has the master check the request and creates nothing' {
        New-GntGroup 'pester-whatif' -WhatIf | Should -BeNullOrEmpty
        @(Get-GntGroup 'pester-whatif' -ErrorAction SilentlyContinue).Count | Should -Be 0
        New-GntGroup 'pester-rack1' -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -Match 'would fail'
    }

    It 'reports an existing name as a non-terminating ResourceExists error' {
        New-GntGroup 'pester-rack1' -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntAlreadyExists,Ganeti.PowerShell.Commands.NewGntGroupCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errs[0].TargetObject | Should -Be 'pester-rack1'
    }

    It 'refuses an unknown allocation policy and a malformed disk parameter before sending anything' {
        { New-GntGroup 'pester-bad' -AllocPolicy sometimes -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Ganeti.PowerShell.Commands.NewGntGroupCommand'
        { New-GntGroup 'pester-bad' -DiskParameter @{ drbd = 2048 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntInvalidParameter,Ganeti.PowerShell.Commands.NewGntGroupCommand'
        @(Get-GntGroup 'pester-bad' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'reports a parameter the master does not know as InvalidArgument' {
        New-GntGroup 'pester-bad' -NodeParameter @{ no_such = 1 } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -Match 'no_such'
    }

    It 'creates groups from piped objects and with -NoWait writes the jobs' {
        $jobs = @([pscustomobject]@{ Name = 'pester-csv1'; AllocPolicy = 'unallocable' }, [pscustomobject]@{ Name = 'pester-csv2' }) |
            New-GntGroup -NoWait
        $jobs.Count | Should -Be 2
        $jobs | ForEach-Object { $_ | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob' }
        ($jobs | Wait-GntJob).Status | Should -Be @('success', 'success')
        (Get-GntGroup 'pester-csv1').AllocPolicy | Should -Be 'unallocable'
        (Get-GntGroup 'pester-csv2').AllocPolicy | Should -Be 'preferred'
    }
}

Describe 'Set-GntGroup' {
    It 'without a change is a terminating InvalidArgument error' {
        { Set-GntGroup 'pester-rack1' -ErrorAction Stop } | Should -Throw -ErrorId 'GntNoChange,Ganeti.PowerShell.Commands.SetGntGroupCommand'
    }

    It 'changes the policy, removes an override with default and -PassThru writes the group' {
        $g = Set-GntGroup 'pester-rack1' -AllocPolicy preferred -NodeParameter @{ spindle_count = 'default' } -PassThru
        $g.AllocPolicy | Should -Be 'preferred'
        $g.CustomNdParams.Keys | Should -Not -Contain 'spindle_count'
        $g.CustomIPolicy.'vcpu-ratio' | Should -Be 2.5
    }

    It 'with -WhatIf changes nothing' {
        Set-GntGroup 'pester-rack1' -AllocPolicy unallocable -WhatIf
        (Get-GntGroup 'pester-rack1').AllocPolicy | Should -Be 'preferred'
    }

    It 'changes every group piped or matched by a wildcard' {
        Get-GntGroup 'pester-csv*' | Set-GntGroup -AllocPolicy last_resort
        (Get-GntGroup 'pester-csv*').AllocPolicy | Should -Be @('last_resort', 'last_resort')
        Set-GntGroup 'pester-csv*' -AllocPolicy preferred
        (Get-GntGroup 'pester-csv*').AllocPolicy | Should -Be @('preferred', 'preferred')
    }

    It 'reports an unknown group as ObjectNotFound and a wildcard matching nothing as nothing' {
        Set-GntGroup 'no-such-group*' -AllocPolicy preferred -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 0
        Set-GntGroup 'no-such-group' -AllocPolicy preferred -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-group'
    }

    It 'writes the master''s warning when the new policy no longer admits an instance of the group' {
        $null = New-GntInstance -Name 'pester-grp1' -Memory 512 -DiskTemplate diskless -NoInstall -NoNameCheck -NoStart -Confirm:$false
        try {
            $min = @{ 'cpu-count' = 1; 'disk-count' = 0; 'disk-size' = 0; 'memory-size' = 64; 'nic-count' = 0; 'spindle-use' = 0 }
            $max = @{ 'cpu-count' = 8; 'disk-count' = 16; 'disk-size' = 1048576; 'memory-size' = 256; 'nic-count' = 8; 'spindle-use' = 12 }
            Set-GntGroup 'default' -InstancePolicy @{ minmax = @(@{ min = $min; max = $max }) } -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings.Count | Should -Be 1
            $warnings[0].Message | Should -Match 'violate it: pester-grp1'
            (Get-GntGroup 'default').CustomIPolicy.Keys | Should -Contain 'minmax'
        }
        finally {
            Set-GntGroup 'default' -InstancePolicy @{ minmax = 'default' }
            Remove-GntInstance 'pester-grp1' -Confirm:$false
        }
        (Get-GntGroup 'default').CustomIPolicy.Keys | Should -Not -Contain 'minmax'
    }

    It 'refuses the cluster-wide std in a group policy' {
        Set-GntGroup 'pester-rack1' -InstancePolicy @{ std = @{ 'memory-size' = 128 } } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -Match 'std'
    }
}

Describe 'Move-GntNode' {
    It 'with -WhatIf leaves the node where it is' {
        Get-GntNode | Move-GntNode -Group 'pester-rack1' -WhatIf
        (Get-GntGroup 'default').Nodes | Should -Be @($node)
    }

    It 'moves nodes piped from Get-GntNode into the group and -PassThru writes them' {
        $moved = Get-GntNode | Move-GntNode -Group 'pester-rack1' -PassThru
        $moved | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntNode'
        $moved.Name | Should -Be $node
        $moved.GroupUuid | Should -Be (Get-GntGroup 'pester-rack1').Uuid
        (Get-GntGroup 'pester-rack1').Nodes | Should -Be @($node)
        (Get-GntGroup 'default').NodeCount | Should -Be 0
    }

    It 'reports an unknown group as ObjectNotFound, naming the nodes' {
        Move-GntNode $node -Group 'no-such-group' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be $node
    }

    It 'moves a node back by name and with -NoWait writes one job' {
        $job = Move-GntNode $node -Group default -NoWait
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($job | Wait-GntJob).Status | Should -Be 'success'
        (Get-GntGroup 'default').Nodes | Should -Be @($node)
    }
}

Describe 'Rename-GntGroup' {
    It 'renames and -PassThru writes the group under its new name' {
        $uuid = (Get-GntGroup 'pester-csv2').Uuid
        $g = Rename-GntGroup 'pester-csv2' 'pester-csv3' -PassThru
        $g.Name | Should -Be 'pester-csv3'
        $g.Uuid | Should -Be $uuid
        @(Get-GntGroup 'pester-csv2' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'takes Name and NewName from piped objects and refuses a name in use' {
        [pscustomobject]@{ Name = 'pester-csv3'; NewName = 'default' } |
            Rename-GntGroup -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        [pscustomobject]@{ Name = 'pester-csv3'; NewName = 'pester-csv2' } | Rename-GntGroup
        (Get-GntGroup 'pester-csv2').Uuid | Should -Not -BeNullOrEmpty
    }
}

Describe 'Invoke-GntGroupEvacuation' {
    It 'writes no job for a group without instances, and says so on the verbose stream' {
        $out = Invoke-GntGroupEvacuation 'pester-rack1' -Allocator hail -Verbose 4>&1
        @($out | Where-Object { $_ -is [Ganeti.Remoting.Rapi.Model.GntJob] }).Count | Should -Be 0
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain 'Node group pester-rack1 has no instances to move.'
    }

    It 'refuses the evacuated group as its own target' {
        Invoke-GntGroupEvacuation 'default' -TargetGroup 'default' -Allocator hail -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -Match 'destination'
    }

    It 'with -NoWait writes the planning job, and -WhatIf submits nothing' {
        $job = Get-GntGroup 'pester-rack1' | Invoke-GntGroupEvacuation -TargetGroup 'pester-csv2' -Allocator hail -Sequential -NoWait
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($job | Wait-GntJob).Status | Should -Be 'success'
        $before = @(Get-GntJob).Count
        Invoke-GntGroupEvacuation 'pester-rack1' -Allocator hail -WhatIf
        # The dry run is a job of its own, but it plans and submits no moves.
        @(Get-GntJob).Count | Should -Be ($before + 1)
    }
}

Describe 'Tags of node groups' {
    It 'are added, listed and removed through groups piped from Get-GntGroup' {
        Get-GntGroup 'pester-rack1' | Add-GntTag -Tag 'rack:1', 'pester:grp'
        (Get-GntGroup 'pester-rack1').Tags | Sort-Object | Should -Be @('pester:grp', 'rack:1')
        $tags = Get-GntGroup 'pester-rack1' | Get-GntTag 'rack:*'
        $tags.Tag | Should -Be 'rack:1'
        $tags.Kind | Should -Be 'Group'
        $tags.Name | Should -Be 'pester-rack1'
        Get-GntGroup 'pester-rack1' | Remove-GntTag -Tag 'rack:1', 'pester:grp' -Confirm:$false
        (Get-GntGroup 'pester-rack1').Tags | Should -BeNullOrEmpty
    }
}

Describe 'Remove-GntGroup' {
    It 'asks for confirmation: its impact is High' {
        [System.Management.Automation.CommandMetadata]::new((Get-Command Remove-GntGroup)).ConfirmImpact | Should -Be 'High'
    }

    It 'refuses a group that has nodes as InvalidOperation' {
        Remove-GntGroup 'default' -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntWrongState,Ganeti.PowerShell.Commands.RemoveGntGroupCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($node))
    }

    It 'with -WhatIf keeps the group, and removes empty groups piped from Get-GntGroup' {
        Remove-GntGroup 'pester-rack1' -WhatIf
        (Get-GntGroup 'pester-rack1').Name | Should -Be 'pester-rack1'
        Get-GntGroup 'pester-*' | Remove-GntGroup -Confirm:$false
        (Get-GntGroup).Name | Should -Be 'default'
    }
}
