#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
    $script:node = (Get-GntNode)[0].Name
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Optimize-GntCluster' {
    It 'shows the plan with -WhatIf and submits nothing' {
        $before = @(Get-GntJob).Count
        $plan = Optimize-GntCluster -WhatIf
        $plan | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntBalancePlan'
        $plan.Moves | Should -Be 0
        $plan.JobSetCount | Should -Be 0
        $plan.FinalScore | Should -BeLessOrEqual $plan.InitialScore
        @(Get-GntJob).Count | Should -Be $before
    }

    It 'does nothing on a balanced cluster and says so' {
        $out = Optimize-GntCluster -Confirm:$false -Verbose 4>&1
        @($out | Where-Object { $_ -is [Ganeti.Remoting.Rapi.Model.GntJob] }).Count | Should -Be 0
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join ' ' | Should -Match 'balanced'
    }

    It 'refuses a negative move limit before asking the master' {
        { Optimize-GntCluster -MaxMoves -1 -WhatIf } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Ganeti.PowerShell.Commands.OptimizeGntClusterCommand'
    }

    It 'reports an unknown node group as ObjectNotFound' {
        Optimize-GntCluster -Group 'no-such-group' -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Get-GntClusterCapacity' {
    It 'counts the instances of a spec that still fit' {
        $cap = Get-GntClusterCapacity -DiskTemplate diskless -StandardSpec 1024,256,1
        $cap | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntClusterCapacity'
        $cap.DiskTemplate | Should -Be 'diskless'
        $cap.Nodes | Should -Be 1
        $cap.StandardSpec | Should -Be '1024,256,1,1'
        $cap.StandardCount | Should -BeGreaterOrEqual 0
        $cap.StandardFailReason | Should -Not -BeNullOrEmpty
    }

    It 'refuses a spec that is not disk,memory,cpus[,spindles]' {
        { Get-GntClusterCapacity -StandardSpec 1024, 256 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Ganeti.PowerShell.Commands.GetGntClusterCapacityCommand'
    }

    It 'reports an unknown disk template as a bad argument' {
        Get-GntClusterCapacity -DiskTemplate 'floppy' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Invoke-GntNodeEvacuation' {
    It 'finds nothing to move on a node without instances' {
        $jobs = Invoke-GntNodeEvacuation -Name $node -Allocator hail -Confirm:$false
        @($jobs).Count | Should -Be 0
    }

    It 'takes nodes from the pipeline and checks with -WhatIf' {
        { Get-GntNode | Invoke-GntNodeEvacuation -Mode Primary -Allocator hail -WhatIf -ErrorAction Stop } | Should -Not -Throw
    }

    It 'returns the planning job with -NoWait' {
        $job = Invoke-GntNodeEvacuation -Name $node -Allocator hail -NoWait -Confirm:$false
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($job | Wait-GntJob).Status | Should -Be 'success'
    }

    It 'refuses a remote node outside secondary mode' {
        { Invoke-GntNodeEvacuation -Name $node -RemoteNode other -Mode All -Confirm:$false } |
            Should -Throw -ErrorId 'GntConflictingParameters,Ganeti.PowerShell.Commands.InvokeGntNodeEvacuationCommand'
    }

    It 'reports an unknown node as ObjectNotFound' {
        Invoke-GntNodeEvacuation -Name 'no-such-node' -Allocator hail -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-node'
    }
}
