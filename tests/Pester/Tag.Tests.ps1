#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
    $null = New-GntInstance -Name 'pester-tag1' -DiskTemplate diskless -NoInstall -NoNameCheck -NoStart -Confirm:$false
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Add-GntTag and Get-GntTag' {
    It 'tags the cluster' {
        Add-GntTag -Tag 'pester:cluster' -Cluster
        (Get-GntTag).Tag | Should -Contain 'pester:cluster'
        (Get-GntCluster).Tags | Should -Contain 'pester:cluster'
    }

    It 'tags instances piped from Get-GntInstance' {
        Get-GntInstance pester-tag1 | Add-GntTag -Tag 'env:test', 'owner:pester'
        $tags = Get-GntInstance pester-tag1 | Get-GntTag
        ($tags.Tag | Sort-Object) | Should -Be @('env:test', 'owner:pester')
        $tags[0] | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntTag'
        $tags[0].Kind | Should -Be 'Instance'
        $tags[0].Name | Should -Be 'pester-tag1'
    }

    It 'filters tags with wildcards' {
        (Get-GntTag 'env:*' -Instance pester-tag1).Tag | Should -Be 'env:test'
    }

    It 'tags a node' {
        $node = (Get-GntNode)[0].Name
        Add-GntTag -Tag 'rack:1' -Node $node
        (Get-GntTag -Node $node).Tag | Should -Contain 'rack:1'
    }

    It 'with -WhatIf adds nothing' {
        Add-GntTag -Tag 'pester:whatif' -Instance pester-tag1 -WhatIf
        (Get-GntTag -Instance pester-tag1).Tag | Should -Not -Contain 'pester:whatif'
    }

    It 'reports a missing instance as GntInstanceNotFound' {
        $null = Get-GntTag -Instance pester-none -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntInstanceNotFound,Ganeti.PowerShell.Commands.GetGntTagCommand'
    }

    It 'formats as table and list without errors' {
        { Get-GntTag -Instance pester-tag1 | Format-Table | Out-String } | Should -Not -Throw
        { Get-GntTag -Instance pester-tag1 | Format-List | Out-String } | Should -Not -Throw
    }
}

Describe 'Remove-GntTag' {
    It 'removes tags piped from Get-GntTag' {
        Get-GntTag 'owner:*' -Instance pester-tag1 | Remove-GntTag -Confirm:$false
        (Get-GntTag -Instance pester-tag1).Tag | Should -Be 'env:test'
    }

    It 'removes a named cluster tag' {
        Remove-GntTag -Tag 'pester:cluster' -Cluster -Confirm:$false
        @(Get-GntTag -Cluster | ForEach-Object Tag) | Should -Not -Contain 'pester:cluster'
    }

    It 'with -WhatIf removes nothing' {
        Remove-GntTag -Tag 'env:test' -Instance pester-tag1 -WhatIf
        (Get-GntTag -Instance pester-tag1).Tag | Should -Contain 'env:test'
    }
}
