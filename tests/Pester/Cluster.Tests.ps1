#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Connect-GntCluster' {
    It 'trusts the master certificate on first use, warns, and stores its thumbprint' {
        Remove-Item $master.KnownHosts -ErrorAction SilentlyContinue
        $c = Connect-GntCluster -Server $master.Server -Credential $master.Credential -WarningVariable warnings -WarningAction SilentlyContinue
        $c | Should -BeOfType 'Ganeti.PowerShell.Infrastructure.GntConnection'
        $c.ClusterName | Should -Be $master.ClusterName
        $c.Port | Should -Be $master.Port
        ($warnings -join ' ') | Should -Match 'first use'
        Get-Content $master.KnownHosts -Raw | Should -Match ([regex]::Escape("127.0.0.1:$($master.Port) $($c.CertificateThumbprint)"))
    }

    It 'connects again without a warning once the certificate is known' {
        $null = Connect-GntCluster -Server $master.Server -Credential $master.Credential -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
    }

    It 'refuses a certificate that differs from the pinned thumbprint' {
        { Connect-GntCluster -Server $master.Server -CertificateThumbprint ('AB' * 32) -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntCertificateUntrusted,Ganeti.PowerShell.Commands.ConnectGntClusterCommand'
    }

    It 'refuses a stored thumbprint that no longer matches' {
        $lines = Get-Content $master.KnownHosts
        Set-Content $master.KnownHosts ("127.0.0.1:$($master.Port) " + ('CD' * 32))
        try {
            { Connect-GntCluster -Server $master.Server -ErrorAction Stop } |
                Should -Throw -ErrorId 'GntCertificateUntrusted,Ganeti.PowerShell.Commands.ConnectGntClusterCommand'
        } finally {
            Set-Content $master.KnownHosts $lines
        }
    }

    It 'accepts the pinned thumbprint of the real certificate' {
        $tp = (Connect-GntTestMaster $master).CertificateThumbprint
        (Connect-GntCluster -Server $master.Server -CertificateThumbprint $tp).TlsMode | Should -Be 'Thumbprint'
    }

    It 'reports a wrong password at once' {
        $bad = [pscredential]::new('admin', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        { Connect-GntCluster -Server $master.Server -Credential $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntAuthenticationFailed,Ganeti.PowerShell.Commands.ConnectGntClusterCommand'
    }

    It 'warns that a read-only user cannot change the cluster' {
        $null = Connect-GntCluster -Server $master.Server -Credential $master.ReadCredential -WarningVariable warnings
        ($warnings -join ' ') | Should -Match 'read-only'
    }

    It 'reports an unreachable master as a connection error naming the address' {
        $port = Get-GntFreePort
        $err = { Connect-GntCluster -Server "127.0.0.1:$port" -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntConnectionFailed,Ganeti.PowerShell.Commands.ConnectGntClusterCommand' -PassThru
        $err.Exception.Message | Should -Match "127.0.0.1:$port"
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Get-GntCluster' {
    BeforeAll { $script:conn = Connect-GntTestMaster $master }

    It 'shows the cluster as gnt-cluster info does' {
        $c = Get-GntCluster
        $c | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntCluster'
        $c.Name | Should -Be $master.ClusterName
        $c.Master | Should -Not -BeNullOrEmpty
        $c.EnabledHypervisors | Should -Contain 'fake'
    }

    It 'formats as table and list without errors' {
        { Get-GntCluster | Format-Table | Out-String } | Should -Not -Throw
        { Get-GntCluster | Format-List | Out-String } | Should -Not -Throw
        { $conn | Format-Table | Out-String } | Should -Not -Throw
        { $conn | Format-List | Out-String } | Should -Not -Throw
    }

    It 'uses an explicit -Connection' {
        $other = Connect-GntCluster -Server $master.Server -WarningAction SilentlyContinue
        (Get-GntCluster -Connection $other).Name | Should -Be $master.ClusterName
    }
}

Describe 'Set-GntCluster' {
    BeforeAll { $script:conn = Connect-GntTestMaster $master }

    It 'without a change is a terminating InvalidArgument error' {
        { Set-GntCluster -ErrorAction Stop } | Should -Throw -ErrorId 'GntNoChange,Ganeti.PowerShell.Commands.SetGntClusterCommand'
    }

    It 'refuses a hypervisor parameter that is not a hashtable before contacting the master' {
        { Set-GntCluster -HypervisorParameter @{ fake = 'migration_mode=live' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntInvalidParameter,Ganeti.PowerShell.Commands.SetGntClusterCommand'
    }

    It 'changes hypervisor parameters and scalars in one job and -PassThru writes the cluster as it is now' {
        $c = Set-GntCluster -HvParams @{ fake = @{ migration_mode = 'non-live' } } -CandidatePoolSize 4 -MaxRunningJobs 15 -PassThru
        $c | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntCluster'
        $c.HvParams['fake']['migration_mode'] | Should -Be 'non-live'
        $c.CandidatePoolSize | Should -Be 4
        $c.Info['max_running_jobs'] | Should -Be 15
    }

    It 'merges per-OS hypervisor parameters and removes them with default' {
        Set-GntCluster -OSHypervisorParameter @{ 'pester-noop+small' = @{ fake = @{ migration_mode = 'live' } } }
        (Get-GntCluster).Info['os_hvp']['pester-noop+small']['fake']['migration_mode'] | Should -Be 'live'
        Set-GntCluster -OsHvParams @{ 'pester-noop+small' = @{ fake = @{ migration_mode = 'default' } } }
        (Get-GntCluster).Info['os_hvp'].Keys | Should -Not -Contain 'pester-noop+small'
    }

    It 'reports a parameter the hypervisor refuses as an InvalidArgument error naming it, and changes nothing' {
        Set-GntCluster -HypervisorParameter @{ fake = @{ no_such_param = 1 } } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -Match 'no_such_param'
        (Get-GntCluster).HvParams['fake'].Keys | Should -Not -Contain 'no_such_param'
    }

    It '-WhatIf checks with the master in a dry run and changes nothing' {
        Set-GntCluster -CandidatePoolSize 7 -WhatIf
        (Get-GntCluster).CandidatePoolSize | Should -Be 4
        Set-GntCluster -InstancePolicy @{ std = @{ 'memory-size' = 1048576 } } -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -Match 'would fail'
    }

    It 'refuses a candidate pool size below 1 as a parameter binding error' {
        { Set-GntCluster -CandidatePoolSize 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Ganeti.PowerShell.Commands.SetGntClusterCommand'
    }
}

Describe 'Disconnect-GntCluster' {
    It 'closes the default connection, after which cmdlets say how to connect' {
        $null = Connect-GntTestMaster $master
        $closed = Disconnect-GntCluster -PassThru
        $closed.IsOpen | Should -BeFalse
        { Get-GntCluster -ErrorAction Stop } | Should -Throw -ErrorId 'GntNotConnected,Ganeti.PowerShell.Commands.GetGntClusterCommand'
    }
}
