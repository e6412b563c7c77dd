#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-GntTestModule
    $script:master = Start-GntTestMaster
    $null = Connect-GntTestMaster $master
    $script:common = @{ NoInstall = $true; NoNameCheck = $true; Confirm = $false }
    $null = New-GntInstance -Name 'pester-mig1' -DiskTemplate diskless @common
    $null = New-GntInstance -Name 'pester-mig2' -DiskTemplate diskless @common
    $null = New-GntInstance -Name 'pester-local' -DiskTemplate file -DiskSize 8M @common
    $script:node = (Get-GntNode)[0].Name
}

AfterAll {
    Stop-GntTestMaster $script:master
}

Describe 'Move-GntInstance' {
    It 'is one cmdlet for migrate, failover and move, with a parameter set per mode' {
        $cmd = Get-Command Move-GntInstance
        $cmd.ParameterSets.Name | Sort-Object | Should -Be @('Failover', 'Migrate', 'Move')
        $cmd.Parameters['Mode'].ParameterType.Name | Should -Be 'GntInstanceMoveMode'
        [enum]::GetNames($cmd.Parameters['Mode'].ParameterType) | Should -Be @('Migrate', 'Failover', 'Move')
        $cmd.Parameters['NonLive'].ParameterSets.Keys | Should -Be @('Migrate')
        $cmd.Parameters['Compress'].ParameterSets.Keys | Should -Be @('Move')
        (Get-Help Move-GntInstance).Synopsis | Should -Match 'gnt-instance migrate'
    }

    It 'is of medium impact: it runs without asking by default' {
        $cmd = Get-Command Move-GntInstance
        $attr = $cmd.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'Medium'
        $attr.SupportsShouldProcess | Should -BeTrue
    }

    It 'refuses a parameter of another mode before sending anything' {
        { Move-GntInstance pester-mig1 -Mode Failover -NonLive -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntInvalidArgument,Ganeti.PowerShell.Commands.MoveGntInstanceCommand'
        { Move-GntInstance pester-mig1 -Mode Migrate -Compress gzip -TargetNode $node -ErrorAction Stop } |
            Should -Throw '*-Compress applies to -Mode Move*'
        { Move-GntInstance pester-mig1 -Mode Migrate -ShutdownTimeout 10 -ErrorAction Stop } |
            Should -Throw '*-ShutdownTimeoutSeconds applies to -Mode Failover or Move*'
        { Move-GntInstance pester-mig1 -Mode Move -ErrorAction Stop } | Should -Throw '*needs -TargetNode*'
        { Move-GntInstance pester-mig1 -Mode Migrate -Live -NonLive -ErrorAction Stop } | Should -Throw '*not both*'
        { Move-GntInstance pester-mig1 -Mode Migrate -TargetNode $node -IAllocator hail -ErrorAction Stop } | Should -Throw '*not both*'
        (Get-GntJob | Where-Object { $_.Summary -match 'MIGRATE|FAILOVER|MOVE' }) | Should -BeNullOrEmpty
    }

    It 'sends the migration to the master, which names the problem: <Case>' -ForEach @(
        @{ Case = 'the instance''s own node'; Target = 'self'; ErrorId = 'GntWrongState'; Category = 'InvalidOperation'; Message = '*to its primary*' }
        @{ Case = 'an unknown node'; Target = 'nosuch.pester.test'; ErrorId = 'GntUnknownEntity'; Category = 'ObjectNotFound'; Message = '*nosuch.pester.test*' }
    ) {
        $to = if ($Target -eq 'self') { $node } else { $Target }
        $null = Move-GntInstance pester-mig1 -Mode Migrate -TargetNode $to -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $errs[0].CategoryInfo.Category | Should -Be $Category
        $errs[0].TargetObject | Should -Be 'pester-mig1'
        $errs[0].Exception.Message | Should -BeLike $Message
        (Get-GntInstance pester-mig1).PrimaryNode | Should -Be $node
    }

    It 'with -WhatIf has the master check the request and changes nothing' {
        $null = Move-GntInstance pester-local -Mode Failover -TargetNode $node -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -BeLike "*Dry run*disk layout 'file' does not allow failovers*"
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        (Get-GntInstance pester-local).Status | Should -Be 'running'
    }

    It 'takes instances from the pipeline and reports each failure on its own' {
        $null = Get-GntInstance 'pester-mig*' | Move-GntInstance -Mode Migrate -TargetNode $node -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs.TargetObject | Sort-Object | Should -Be @('pester-mig1', 'pester-mig2')
    }

    It 'cleans up after a migration, finding the instance on its node, and writes it with -PassThru' {
        $verbose = Move-GntInstance pester-mig1 -Mode Migrate -Cleanup -PassThru -Verbose 4>&1
        $instance = $verbose | Where-Object { $_ -is [Ganeti.Remoting.Rapi.Model.GntInstance] }
        $instance.Name | Should -Be 'pester-mig1'
        $instance.Status | Should -Be 'running'
        $log = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $log | Should -Match 'checking where the instance actually runs'
        $log | Should -Match 'instance confirmed to be running on its primary node'
    }

    It 'returns the job with -NoWait; the job carries the master''s verdict' {
        $job = Move-GntInstance pester-mig2 -Mode Failover -TargetNode $node -NoWait
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        $done = $job | Wait-GntJob -ErrorAction SilentlyContinue
        $done.Status | Should -Be 'error'
    }

    It 'submits gnt-instance move for -Mode Move' {
        # Moving to its own node fails either way: refused by the master's move, or as an opcode
        # the master does not run; what matters is that OP_INSTANCE_MOVE was what went there.
        $null = Move-GntInstance pester-local -Mode Move -TargetNode $node -ShutdownTimeout 5 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 'pester-local'
        $sent = ($errs[0].Exception.Message -like '*OP_INSTANCE_MOVE*') -or
            [bool](Get-GntJob | Where-Object { $_.Summary -contains 'INSTANCE_MOVE(pester-local)' })
        $sent | Should -BeTrue
        (Get-GntInstance pester-local).PrimaryNode | Should -Be $node
    }
}
