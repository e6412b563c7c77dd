#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:commands = Get-Command -Module GanetiCluster
}

Describe 'The GanetiCluster module' {
    It 'exports the forty-eight cmdlets of its manifest' {
        $manifest = Import-PowerShellDataFile (Join-Path (Get-GntTestModulePath) 'GanetiCluster.psd1')
        ($commands.Name | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        $commands.Count | Should -Be 48
    }

    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest (Join-Path (Get-GntTestModulePath) 'GanetiCluster.psd1') -ErrorAction Stop } | Should -Not -Throw
    }

    It 'has offline help with a synopsis naming Ganeti and examples for <_>' -ForEach @(
        'Connect-GntCluster', 'Disconnect-GntCluster', 'Get-GntCluster', 'Get-GntNode', 'New-GntInstance', 'Get-GntInstance',
        'Start-GntInstance', 'Stop-GntInstance', 'Restart-GntInstance', 'Remove-GntInstance', 'Rename-GntInstance', 'Get-GntOS',
        'Get-GntJob', 'Wait-GntJob', 'Watch-GntJob', 'Stop-GntJob', 'Receive-GntJob', 'Add-GntTag', 'Remove-GntTag', 'Get-GntTag',
        'Add-GntNode', 'Remove-GntNode', 'Set-GntNode', 'Set-GntInstance', 'Suspend-GntNode', 'Resume-GntNode', 'Set-GntCluster',
        'Get-GntGroup', 'New-GntGroup', 'Set-GntGroup', 'Rename-GntGroup', 'Remove-GntGroup', 'Move-GntNode', 'Invoke-GntGroupEvacuation'
    ) {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Match 'gnt-|Ganeti'
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $help.Examples.Example[0].Code | Should -Match $_
        if ($_ -ne 'Connect-GntCluster') { $help.Parameters.Parameter.Name | Should -Contain 'Connection' }
    }

    It 'has the about_GanetiCluster topic' {
        (Get-Help about_GanetiCluster | Out-String) | Should -Match 'gnt-instance startup'
    }

    It 'formats an empty connection-less object list without errors' {
        { @() | Format-Table | Out-String } | Should -Not -Throw
    }

    It 'says how to connect when there is no connection' {
        Disconnect-GntCluster -ErrorAction SilentlyContinue
        $err = { Get-GntInstance -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GntNotConnected,Ganeti.PowerShell.Commands.GetGntInstanceCommand'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Connect-GntCluster'
    }
}
