using System.Management.Automation;
using System.Text.Json.Nodes;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Balances the cluster (hbal): the master computes the plan, and each job set is submitted as
/// jobs that depend on every job of the previous set, so sets run in order and the jobs of a
/// set in parallel. -WhatIf writes the plan instead.
/// </summary>
[Cmdlet(VerbsCommon.Optimize, "GntCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntJob), typeof(GntBalancePlan))]
public sealed class OptimizeGntClusterCommand : GntCmdlet
{
    private readonly List<long> _submitted = [];

    /// <summary>At most this many moves (hbal -l).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaxMoves { get; set; }

    /// <summary>Stop when a move would gain less than this (hbal -g).</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double? MinGain { get; set; }

    /// <summary>Only move instances off offline and drained nodes (hbal --evac-mode).</summary>
    [Parameter]
    public SwitchParameter EvacuateOnly { get; set; }

    /// <summary>No disk replacements: only migrations and failovers.</summary>
    [Parameter]
    public SwitchParameter NoDiskMoves { get; set; }

    /// <summary>No migrations or failovers: only disk replacements.</summary>
    [Parameter]
    public SwitchParameter NoInstanceMoves { get; set; }

    /// <summary>Balance only this node group.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Group { get; set; }

    /// <summary>Wait for all jobs and write them finished, instead of writing them as submitted.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Free-form reason recorded with the jobs (Ganeti's reason trail).</summary>
    [Parameter]
    public string? Reason { get; set; }

    protected override void EndProcessing()
    {
        GntBalancePlan plan;
        try
        {
            plan = Run(ct => Client.GetBalancePlanAsync(MaxMoves, MinGain, EvacuateOnly, NoDiskMoves, NoInstanceMoves, Group, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, Group ?? CurrentConnection.Server);
            return;
        }
        var target = Group is null ? CurrentConnection.Server : $"{CurrentConnection.Server} group {Group}";
        var description = $"Performing the operation \"Balance cluster (hbal): {plan.Moves} moves in {plan.JobSetCount} job sets, score " +
                          $"{plan.InitialScore:F8} to {plan.FinalScore:F8}\" on target \"{target}\".";
        if (!ShouldProcess(description, $"Are you sure you want to perform this action?\n{description}", "Confirm", out var why))
        {
            if (why == ShouldProcessReason.WhatIf)
                WriteObject(plan);
            return;
        }
        if (plan.Moves == 0)
        {
            WriteVerbose($"The cluster is balanced (score {plan.InitialScore:F8}): nothing to do.");
            return;
        }
        var previous = new List<long>();
        var descriptions = new Dictionary<long, string>();
        try
        {
            foreach (var set in plan.JobSets)
            {
                var current = new List<long>();
                foreach (var job in set)
                {
                    var ops = job.GetOpCodes().ToList();
                    if (previous.Count > 0)
                        ops[0]["depends"] = new JsonArray(previous.Select(id => (JsonNode?)new JsonArray(id, new JsonArray("success"))).ToArray());
                    var id = Run(ct => Client.SubmitJobAsync(ops, false, Reason, ct));
                    WriteVerbose($"Submitted job {id} (set {job.JobSet}): {string.Join(", ", job.Operations)} {job.Instance}");
                    descriptions[id] = $"{job.Instance}: {string.Join(", ", job.Operations)}";
                    current.Add(id);
                    _submitted.Add(id);
                }
                previous = current;
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, target, $"Submitting the plan stopped after {_submitted.Count} jobs");
        }
        if (!Wait)
        {
            foreach (var id in _submitted)
                WriteObject(Run(ct => Client.GetJobAsync(id, ct)));
            return;
        }
        foreach (var (id, job, error) in WaitForJobs(_submitted, descriptions))
        {
            if (error is not null) WriteFailure(error, id);
            else if (job!.Failure is not null) WriteFailure(new GntJobFailedException(job), descriptions[id]);
            else WriteObject(job);
        }
    }

    protected override void OnStopping() => WarnJobsContinue(_submitted);
}
