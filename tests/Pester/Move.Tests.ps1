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

    # Runs a script block in a runspace of its own, whose host cannot prompt, connected to the
    # test master: reports whether the command tried to ask, and how many jobs it submitted.
    function script:Invoke-GntPromptless([scriptblock] $Script) {
        $before = @(Get-GntJob).Count
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $server, $credential)
                Import-Module $module -ErrorAction Stop
                $null = Connect-GntCluster -Server $server -Credential $credential -WarningAction SilentlyContinue
            }).AddArgument((Join-Path (Get-GntTestModulePath) 'GanetiCluster.psd1')).AddArgument($script:master.Server).AddArgument($script:master.Credential)
            $null = $ps.Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddScript($Script.ToString())
            foreach ($a in $args) { $null = $ps.AddArgument($a) }
            $prompted = $false
            try { $null = $ps.Invoke() }
            catch { $prompted = $_.Exception.InnerException -is [System.Management.Automation.Host.HostException] -or $_.Exception.Message -match 'prompt' }
            if ($ps.Streams.Error | Where-Object { $_.Exception -is [System.Management.Automation.Host.HostException] -or $_.Exception.Message -match 'prompts the user' }) { $prompted = $true }
            [pscustomobject]@{ Prompted = $prompted; Submitted = @(Get-GntJob).Count - $before }
        }
        finally { $ps.Dispose() }
    }
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

    It 'is of medium impact: a migration runs without asking by default' {
        $cmd = Get-Command Move-GntInstance
        $attr = $cmd.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'Medium'
        $attr.SupportsShouldProcess | Should -BeTrue
        $out = Invoke-GntPromptless { Move-GntInstance pester-mig1 -Mode Migrate -TargetNode $args[0] -ErrorAction SilentlyContinue } $node
        $out.Prompted | Should -BeFalse
        $out.Submitted | Should -Be 1
    }

    It 'asks before a <Mode>, which restarts the guest, as a high-impact cmdlet does' -ForEach @(
        @{ Mode = 'Failover' }
        @{ Mode = 'Move' }
    ) {
        $asked = Invoke-GntPromptless { Move-GntInstance pester-mig1 -Mode $args[1] -TargetNode $args[0] -ErrorAction SilentlyContinue } $node $Mode
        $asked.Prompted | Should -BeTrue
        $asked.Submitted | Should -Be 0
        $told = Invoke-GntPromptless { Move-GntInstance pester-mig1 -Mode $args[1] -TargetNode $args[0] -Confirm:$false -ErrorAction SilentlyContinue } $node $Mode
        $told.Prompted | Should -BeFalse
        $told.Submitted | Should -Be 1
        $none = Invoke-GntPromptless { $ConfirmPreference = 'None'; Move-GntInstance pester-mig1 -Mode $args[1] -TargetNode $args[0] -ErrorAction SilentlyContinue } $node $Mode
        $none.Prompted | Should -BeFalse
        $none.Submitted | Should -Be 1
    }

    It 'refuses a parameter of another mode before sending anything' {
        $before = @(Get-GntJob | Where-Object { $_.Summary -match 'MIGRATE|FAILOVER|MOVE' }).Count
        { Move-GntInstance pester-mig1 -Mode Failover -NonLive -ErrorAction Stop } |
            Should -Throw -ErrorId 'GntInvalidArgument,Ganeti.PowerShell.Commands.MoveGntInstanceCommand'
        { Move-GntInstance pester-mig1 -Mode Migrate -Compress gzip -TargetNode $node -ErrorAction Stop } |
            Should -Throw '*-Compress applies to -Mode Move*'
        { Move-GntInstance pester-mig1 -Mode Migrate -ShutdownTimeout 10 -ErrorAction Stop } |
            Should -Throw '*-ShutdownTimeoutSeconds applies to -Mode Failover or Move*'
        { Move-GntInstance pester-mig1 -Mode Move -ErrorAction Stop } | Should -Throw '*needs -TargetNode*'
        { Move-GntInstance pester-mig1 -Mode Migrate -Live -NonLive -ErrorAction Stop } | Should -Throw '*not both*'
        { Move-GntInstance pester-mig1 -Mode Migrate -TargetNode $node -IAllocator hail -ErrorAction Stop } | Should -Throw '*not both*'
        @(Get-GntJob | Where-Object { $_.Summary -match 'MIGRATE|FAILOVER|MOVE' }).Count | Should -Be $before
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
        $job = Move-GntInstance pester-mig2 -Mode Failover -TargetNode $node -NoWait -Confirm:$false
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        $done = $job | Wait-GntJob -ErrorAction SilentlyContinue
        $done.Status | Should -Be 'error'
    }

    It 'submits gnt-instance move for -Mode Move' {
        # Moving to its own node fails either way: refused by the master's move, or as an opcode
        # the master does not run; what matters is that OP_INSTANCE_MOVE was what went there.
        $null = Move-GntInstance pester-local -Mode Move -TargetNode $node -ShutdownTimeout 5 -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 'pester-local'
        $sent = ($errs[0].Exception.Message -like '*OP_INSTANCE_MOVE*') -or
            [bool](Get-GntJob | Where-Object { $_.Summary -contains 'INSTANCE_MOVE(pester-local)' })
        $sent | Should -BeTrue
        (Get-GntInstance pester-local).PrimaryNode | Should -Be $node
    }
}

Describe 'Invoke-GntNodeMigration' {
    It 'is gnt-node migrate, of medium impact, with help' {
        $cmd = Get-Command Invoke-GntNodeMigration
        $attr = $cmd.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'Medium'
        (Get-Help Invoke-GntNodeMigration).Synopsis | Should -Match 'gnt-node migrate'
    }

    It 'submits one migration per primary instance and writes those jobs' {
        $jobs = @(Invoke-GntNodeMigration -Name $node -NonLive)
        $jobs | Should -HaveCount 3
        $jobs | ForEach-Object { $_ | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob' }
        $jobs.Summary | Sort-Object | Should -Be @('INSTANCE_MIGRATE(pester-local)', 'INSTANCE_MIGRATE(pester-mig1)', 'INSTANCE_MIGRATE(pester-mig2)')
        # A one-node cluster has nowhere to migrate to: each job fails on its own, naming the node.
        $done = $jobs | Wait-GntJob -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 3
        (Get-GntInstance 'pester-*').PrimaryNode | Sort-Object -Unique | Should -Be $node
    }

    It 'takes nodes from the pipeline, and -WhatIf has the master check without submitting' {
        $before = @(Get-GntJob | Where-Object { $_.Summary -match 'INSTANCE_MIGRATE' }).Count
        $out = Get-GntNode | Invoke-GntNodeMigration -WhatIf -ErrorAction Stop
        $out | Should -BeNullOrEmpty
        @(Get-GntJob | Where-Object { $_.Summary -match 'INSTANCE_MIGRATE' }).Count | Should -Be $before
    }

    It 'returns the submitting job with -NoWait' {
        $job = Invoke-GntNodeMigration -Name $node -NoWait
        $job | Should -BeOfType 'Ganeti.Remoting.Rapi.Model.GntJob'
        ($job | Wait-GntJob).Status | Should -Be 'success'
    }

    It 'refuses -Live with -NonLive and -TargetNode with -IAllocator before sending anything' {
        { Invoke-GntNodeMigration -Name $node -Live -NonLive } |
            Should -Throw -ErrorId 'GntInvalidArgument,Ganeti.PowerShell.Commands.InvokeGntNodeMigrationCommand'
        { Invoke-GntNodeMigration -Name $node -TargetNode $node -IAllocator hail } | Should -Throw '*not both*'
    }

    It 'reports an unknown node as ObjectNotFound and matches wildcards against the nodes' {
        Invoke-GntNodeMigration -Name 'no-such-node' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-node'
        Invoke-GntNodeMigration -Name 'no-such-*' -ErrorVariable none -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $none.Count | Should -Be 0
    }
}
