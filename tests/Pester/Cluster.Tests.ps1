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

Describe 'Disconnect-GntCluster' {
    It 'closes the default connection, after which cmdlets say how to connect' {
        $null = Connect-GntTestMaster $master
        $closed = Disconnect-GntCluster -PassThru
        $closed.IsOpen | Should -BeFalse
        { Get-GntCluster -ErrorAction Stop } | Should -Throw -ErrorId 'GntNotConnected,Ganeti.PowerShell.Commands.GetGntClusterCommand'
    }
}
