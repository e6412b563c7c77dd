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
