#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
    $script:job = New-GntInstance -Name 'pester-job1' -DiskTemplate diskless -NoInstall -NoNameCheck -NoStart -NoWait -Confirm:$false
    $script:done = $job | Wait-GntJob
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Get-GntJob' {
    It 'lists jobs, filtered by status' {
        (Get-GntJob).Id | Should -Contain $job.Id
        (Get-GntJob -Status success).Id | Should -Contain $job.Id
        @(Get-GntJob -Status error | ForEach-Object Id) | Should -Not -Contain $job.Id
    }

    It 'shows one job with its log and summary' {
        $j = Get-GntJob -Id $job.Id
        $j.Status | Should -Be 'success'
        $j.Summary[0] | Should -Match 'INSTANCE_CREATE'
        $j.EndTime | Should -Not -BeNullOrEmpty
    }

    It 'reports a missing job id as GntJobNotFound' {
        $null = Get-GntJob -Id 999999 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntJobNotFound,Ganeti.PowerShell.Commands.GetGntJobCommand'
    }

    It 'formats as table and list without errors' {
        { Get-GntJob | Format-Table | Out-String } | Should -Not -Throw
        { Get-GntJob -Id $job.Id | Format-List | Out-String } | Should -Not -Throw
    }
}

Describe 'Wait-GntJob' {
    It 'writes the finished job' {
        $done.Status | Should -Be 'success'
        $done.Id | Should -Be $job.Id
    }

    It 'binds JobId and Id from the pipeline' {
        ([pscustomobject]@{ JobId = $job.Id } | Wait-GntJob).Id | Should -Be $job.Id
    }

    It 'reports a failed job as an error with the kind of failure' {
        $failed = Start-GntInstance pester-missing-instance -NoWait -ErrorAction SilentlyContinue
        if ($failed) {
            $null = $failed | Wait-GntJob -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -Be 'GntUnknownEntity,Ganeti.PowerShell.Commands.WaitGntJobCommand'
        } else {
            Set-ItResult -Skipped -Because 'the master refused the unknown instance before creating a job'
        }
    }
}

Describe 'Watch-GntJob' {
    It 'writes the log lines of a job as objects' {
        $j = Start-GntInstance pester-job1 -NoWait
        $lines = @(Watch-GntJob -Id $j.Id)
        if ($lines.Count -gt 0) { $lines[0] | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJobLogEntry' }
        (Get-GntJob -Id $j.Id).Status | Should -Be 'success'
        { $lines | Format-Table | Out-String } | Should -Not -Throw
    }
}

Describe 'Receive-GntJob' {
    It 'returns one result per opcode of a finished job' {
        $r = @(Receive-GntJob -Id $job.Id)
        $r.Count | Should -Be 1
        $r[0] | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJobResult'
        $r[0].OpId | Should -Be 'OP_INSTANCE_CREATE'
        $r[0].Status | Should -Be 'success'
        { $r | Format-List | Out-String } | Should -Not -Throw
    }
}

Describe 'Stop-GntJob' {
    It 'refuses to cancel a finished job with a clear error' {
        $null = Stop-GntJob -Id $job.Id -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GntJobCancelRefused,Ganeti.PowerShell.Commands.StopGntJobCommand'
    }

    It 'with -WhatIf sends nothing' {
        Stop-GntJob -Id $job.Id -WhatIf
        (Get-GntJob -Id $job.Id).Status | Should -Be 'success'
    }
}
