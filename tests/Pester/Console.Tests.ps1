#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
    $common = @{ DiskTemplate = 'diskless'; NoInstall = $true; NoNameCheck = $true; Confirm = $false }
    # The fake hypervisor answers a console request with a message.
    $null = New-GntInstance -Name 'pester-con1' @common
    $null = New-GntInstance -Name 'pester-con2' @common
    $null = New-GntInstance -Name 'pester-con-off' -NoStart @common
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Get-GntInstanceConsole' {
    It 'writes the console of a running instance as a typed object' {
        $c = Get-GntInstanceConsole pester-con1
        $c | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntConsole'
        $c.InstanceName | Should -Be 'pester-con1'
        $c.Kind | Should -Be 'msg'
        $c.Message | Should -Match 'no console'
        $c.CommandLine | Should -BeNullOrEmpty
    }

    It 'expands wildcards and binds instances from the pipeline' {
        (Get-GntInstanceConsole 'pester-con?').InstanceName | Should -Be @('pester-con1', 'pester-con2')
        (Get-GntInstance pester-con2 | Get-GntInstanceConsole).InstanceName | Should -Be 'pester-con2'
    }

    It 'reports a stopped instance as GntWrongState and goes on' {
        $c = Get-GntInstanceConsole pester-con-off, pester-con1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $c.InstanceName | Should -Be 'pester-con1'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntWrongState,Ganeti.PowerShell.Commands.GetGntInstanceConsoleCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].TargetObject | Should -Be 'pester-con-off'
    }

    It 'reports an unknown instance as GntInstanceNotFound' {
        Get-GntInstanceConsole pester-nosuch -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntInstanceNotFound,Ganeti.PowerShell.Commands.GetGntInstanceConsoleCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'formats as table and list' {
        { Get-GntInstanceConsole pester-con1 | Format-Table | Out-String } | Should -Not -Throw
        { Get-GntInstanceConsole pester-con1 | Format-List | Out-String } | Should -Not -Throw
    }
}

Describe 'Enter-GntInstanceConsole' {
    It 'writes a console message as a warning and nothing else' {
        $out = Enter-GntInstanceConsole pester-con1 -WarningVariable warnings -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'no console'
    }

    It 'writes the console object with -PassThru' {
        $c = Enter-GntInstanceConsole pester-con1 -PassThru -WarningAction SilentlyContinue
        $c | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntConsole'
        $c.Kind | Should -Be 'msg'
    }

    It 'binds the instance from the pipeline' {
        $c = Get-GntInstance pester-con2 | Enter-GntInstanceConsole -PassThru -WarningAction SilentlyContinue
        $c.InstanceName | Should -Be 'pester-con2'
    }

    It 'reports a stopped instance as GntWrongState' {
        Enter-GntInstanceConsole pester-con-off -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntWrongState,Ganeti.PowerShell.Commands.EnterGntInstanceConsoleCommand'
    }
}
