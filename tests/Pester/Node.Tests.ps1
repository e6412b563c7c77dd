#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Get-GntNode' {
    It 'lists the single node as the master' {
        $nodes = @(Get-GntNode)
        $nodes.Count | Should -Be 1
        $nodes[0] | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntNode'
        $nodes[0].Role | Should -Be 'master'
        $nodes[0].Name | Should -Be (Get-GntCluster).Master
    }

    It 'selects by exact name and by wildcard' {
        $name = (Get-GntNode)[0].Name
        (Get-GntNode -Name $name).Name | Should -Be $name
        (Get-GntNode -Name ($name.Substring(0, 1) + '*')).Name | Should -Be $name
        @(Get-GntNode -Name 'no-such-node*').Count | Should -Be 0
    }

    It 'reports a missing exact name as a non-terminating ObjectNotFound error and still lists the others' {
        $name = (Get-GntNode)[0].Name
        $found = Get-GntNode -Name 'no-such-node', $name -ErrorVariable errs -ErrorAction SilentlyContinue
        $found.Name | Should -Be $name
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntNodeNotFound,Ganeti.PowerShell.Commands.GetGntNodeCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-node'
    }

    It 'formats as table and list without errors' {
        { Get-GntNode | Format-Table | Out-String } | Should -Not -Throw
        { Get-GntNode | Format-List | Out-String } | Should -Not -Throw
    }

    It 'completes node names with Tab' {
        $name = (Get-GntNode)[0].Name
        $line = "Get-GntNode -Name $($name.Substring(0, 2))"
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches.CompletionText | Should -Contain $name
    }
}

Describe 'Add-GntNode' {
    It 'reports a node already in the cluster as a non-terminating ResourceExists error' {
        $master = (Get-GntCluster).Master
        Add-GntNode $master -PrimaryIP 127.0.0.1 -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntAlreadyExists,Ganeti.PowerShell.Commands.AddGntNodeCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errs[0].TargetObject | Should -Be $master
    }

    It 're-adding a node that is not in the cluster is ObjectNotFound, and nothing is added' {
        Add-GntNode 'no-such-node.pester.test' -PrimaryIP 127.0.0.9 -Readd -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @(Get-GntNode).Count | Should -Be 1
    }

    It 'binds the name and address from the pipeline and with -NoWait writes the job' {
        $job = Get-GntNode | Add-GntNode -NoWait
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($job | Wait-GntJob -ErrorAction SilentlyContinue -ErrorVariable errs).Status | Should -Be 'error'
        @(Get-GntNode).Count | Should -Be 1
    }
}

Describe 'Remove-GntNode' {
    It 'asks for confirmation: its impact is High' {
        [System.Management.Automation.CommandMetadata]::new((Get-Command Remove-GntNode)).ConfirmImpact | Should -Be 'High'
    }

    It 'refuses to remove the master, and -WhatIf says so without removing anything' {
        $master = (Get-GntCluster).Master
        Remove-GntNode $master -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -Match 'master'
        Remove-GntNode $master -Confirm:$false -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $errs2.Count | Should -Be 1
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'Gnt*,Ganeti.PowerShell.Commands.RemoveGntNodeCommand'
        $errs2[0].CategoryInfo.Category | Should -BeIn 'InvalidArgument', 'InvalidOperation'
        (Get-GntNode).Name | Should -Be $master
    }

    It 'reports an unknown node as ObjectNotFound' {
        Remove-GntNode 'no-such-node.pester.test' -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-node.pester.test'
    }
}

Describe 'Set-GntNode, Suspend-GntNode and Resume-GntNode' {
    It 'Set-GntNode without a change is a terminating InvalidArgument error' {
        { Get-GntNode | Set-GntNode -ErrorAction Stop } | Should -Throw -ErrorId 'GntNoChange,Ganeti.PowerShell.Commands.SetGntNodeCommand'
    }

    It 'Set-GntNode refuses to drain or take the master offline' {
        $master = (Get-GntCluster).Master
        Set-GntNode $master -Drained $true -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -BeIn 'InvalidArgument', 'InvalidOperation'
        $errs[0].Exception.Message | Should -Match 'master'
        (Get-GntNode $master).Drained | Should -BeFalse
    }

    It 'Suspend-GntNode -WhatIf checks the drain with the master and changes nothing' {
        Get-GntNode | Suspend-GntNode -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -Match 'would fail'
        (Get-GntNode)[0].Drained | Should -BeFalse
        Get-GntNode | Suspend-GntNode -Offline -WhatIf -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $errs2.Count | Should -Be 1
        (Get-GntNode)[0].Offline | Should -BeFalse
    }

    It 'Resume-GntNode on a node in service leaves it in service and -PassThru writes it' {
        $node = Get-GntNode | Resume-GntNode -PassThru
        $node | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntNode'
        $node.Drained | Should -BeFalse
        $node.Offline | Should -BeFalse
        $node.Role | Should -Be 'master'
    }

    It 'Set-GntNode changes a flag and -PassThru writes the node as it is after the job' {
        $master = (Get-GntCluster).Master
        $node = Set-GntNode $master -VmCapable $false -PassThru
        $node.VmCapable | Should -BeFalse
        (Set-GntNode $master -VmCapable $true -PassThru).VmCapable | Should -BeTrue
    }

    It 'expands wildcards against one listing and reports an unknown exact name' {
        Set-GntNode 'no-such-node*' -VmCapable $true -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 0
        Set-GntNode 'no-such-node.pester.test' -VmCapable $true -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
