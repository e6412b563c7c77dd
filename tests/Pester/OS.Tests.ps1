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

Describe 'Get-GntOS' {
    It 'lists the OS definition found on the search path, with its variant' {
        $os = @(Get-GntOS 'pester-noop*')
        $os.Count | Should -BeGreaterThan 0
        $os[0] | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntOS'
        $os.BaseName | Should -Contain 'pester-noop'
    }

    It 'reports a missing exact name as GntOSNotFound' {
        $null = Get-GntOS -Name 'no-such-os' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntOSNotFound,Ganeti.PowerShell.Commands.GetGntOSCommand'
    }

    It 'formats as table and list without errors' {
        { Get-GntOS | Format-Table | Out-String } | Should -Not -Throw
        { Get-GntOS | Format-List | Out-String } | Should -Not -Throw
    }
}
