@{
    RootModule             = 'Ganeti.PowerShell.dll'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Core')
    GUID                   = '6f1c3f0e-4f6b-4bb3-9a55-2f4f0f7b9a41'
    Author                 = 'GanetiCluster developers'
    CompanyName            = 'GanetiCluster'
    Copyright              = '(c) GanetiCluster developers. GPL-2.0-or-later.'
    Description            = 'Manage Ganeti clusters (GanetiCluster): instances, nodes, node groups, jobs and tags over the Ganeti Remote API, with typed objects, pipelines, -WhatIf dry runs and job progress.'
    # The cmdlet assembly targets net8.0; PowerShell 7.4 is the release that runs on it.
    PowerShellVersion      = '7.4'
    FormatsToProcess       = @('GanetiCluster.Format.ps1xml')
    CmdletsToExport        = @(
        'Add-GntNode'
        'Add-GntTag'
        'Connect-GntCluster'
        'Disconnect-GntCluster'
        'Dismount-GntInstanceDisk'
        'Enter-GntInstanceConsole'
        'Export-GntInstance'
        'Get-GntCluster'
        'Get-GntClusterCapacity'
        'Get-GntGroup'
        'Get-GntInstance'
        'Get-GntInstanceConsole'
        'Get-GntJob'
        'Get-GntNode'
        'Get-GntOS'
        'Get-GntTag'
        'Import-GntInstance'
        'Install-GntInstanceOS'
        'Invoke-GntGroupEvacuation'
        'Invoke-GntNodeEvacuation'
        'Invoke-GntNodeMigration'
        'Mount-GntInstanceDisk'
        'Move-GntInstance'
        'Move-GntNode'
        'New-GntGroup'
        'New-GntInstance'
        'Optimize-GntCluster'
        'Receive-GntJob'
        'Remove-GntGroup'
        'Remove-GntInstance'
        'Remove-GntInstanceExport'
        'Remove-GntNode'
        'Remove-GntTag'
        'Rename-GntGroup'
        'Rename-GntInstance'
        'Resize-GntInstanceDisk'
        'Restart-GntInstance'
        'Resume-GntNode'
        'Set-GntCluster'
        'Set-GntGroup'
        'Set-GntInstance'
        'Set-GntNode'
        'Start-GntInstance'
        'Stop-GntInstance'
        'Stop-GntJob'
        'Suspend-GntNode'
        'Wait-GntJob'
        'Watch-GntJob'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Ganeti', 'GanetiCluster', 'Virtualization', 'Cluster', 'KVM', 'VM', 'RAPI', 'Linux', 'PSEdition_Core')
            LicenseUri   = 'https://www.gnu.org/licenses/old-licenses/gpl-2.0.html'
            ReleaseNotes = 'Connection, cluster, nodes (list, add, remove, modify, drain, offline), node groups (list, add, modify, rename, remove, assign nodes, evacuate), OS, instances (create, start, stop, reboot, remove, rename, disks, grow-disk, reinstall, console, migrate, failover, move), backups (export, import, remove), jobs and tags.'
        }
    }
}
