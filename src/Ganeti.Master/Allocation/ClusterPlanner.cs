using System.Globalization;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Capacity;
using Ganeti.HTools.Model;
using Ganeti.Master.LogicalUnits;

namespace Ganeti.Master.Allocation;

/// <summary>What a balancing plan may do (hbal's options).</summary>
public sealed record BalanceRequest
{
    public int MaxMoves { get; init; } = -1;
    public double MinGain { get; init; } = 1e-2;
    public double MinGainLimit { get; init; } = 1e-1;
    public bool EvacuateOnly { get; init; }
    public bool DiskMoves { get; init; } = true;
    public bool InstanceMoves { get; init; } = true;
    /// <summary>Only this node group (name or UUID); all groups when null.</summary>
    public string? Group { get; init; }
}

/// <summary>What a capacity computation uses (hspace's options); null specs mean the policy's.</summary>
public sealed record CapacityRequest
{
    public string? DiskTemplate { get; init; }
    public ISpec? Standard { get; init; }
    public ISpec? Tiered { get; init; }
}

/// <summary>
/// hbal and hspace on the master: the cluster model is the one the instance allocator gets
/// (configuration plus the nodes' live facts), so plans match what hail would decide.
/// </summary>
public static class ClusterPlanner
{
    private static async Task<ClusterData> ModelAsync(MasterContext master, CancellationToken ct)
    {
        var cfg = master.Config.Current;
        var input = await IAllocatorRunner.BuildInputAsync(master, cfg, new JsonObject { ["type"] = "balance" }, ct).ConfigureAwait(false);
        var cd = IAllocatorInput.Parse(input.ToJsonString()).Cluster;
        return ClusterLoader.Finish(cd, new LoadOptions());
    }

    /// <summary>
    /// The balancing plan: per group its initial and final score and moves; "jobsets" are lists
    /// of jobs (each a list of opcodes) that may run in parallel, the sets in order. Groups do
    /// not share nodes, so the sets of all groups are merged position by position.
    /// </summary>
    public static async Task<JsonObject> BalanceAsync(MasterContext master, BalanceRequest request, CancellationToken ct)
    {
        if (request.MaxMoves < -1)
            throw GanetiException.WrongInput($"The maximum number of moves must be at least 0, got {request.MaxMoves}");
        if (request.MinGain < 0 || double.IsNaN(request.MinGain))
            throw GanetiException.WrongInput($"The minimum gain must not be negative, got {request.MinGain.ToString(CultureInfo.InvariantCulture)}");
        var cd = await ModelAsync(master, ct).ConfigureAwait(false);
        IEnumerable<Group> groups = cd.Groups;
        if (request.Group is not null)
            groups = [cd.FindGroup(request.Group) ?? throw GanetiException.NotFound("Node group", request.Group)];
        var options = new BalanceOptions
        {
            MaxLength = request.MaxMoves, MinGain = request.MinGain, MinGainLimit = request.MinGainLimit,
            EvacMode = request.EvacuateOnly, DiskMoves = request.DiskMoves, InstanceMoves = request.InstanceMoves,
        };
        var perGroup = new JsonArray();
        var merged = new List<JsonArray>();
        double initial = 0, final = 0;
        int moves = 0;
        foreach (var g in groups)
        {
            if (!cd.Nodes.Any(n => n.Group == g.Index)) continue;
            var bal = Balancer.ForGroup(cd, g.Index, options);
            double ini = bal.CurrentScore();
            var plan = await Task.Run(() => bal.Run(cancel: ct), ct).ConfigureAwait(false);
            double fin = plan.Count > 0 ? plan[^1].Score : ini;
            var sets = JobPlanner.SplitJobs(plan.Select(p => JobPlanner.ToJob(cd, p)).ToList());
            var json = JobPlanner.ToJson(sets);
            for (int k = 0; k < json.Count; k++)
            {
                if (merged.Count <= k) merged.Add([]);
                foreach (var job in json[k]!.AsArray()) merged[k].Add(job!.DeepClone());
            }
            perGroup.Add(new JsonObject
            {
                ["group"] = g.Name, ["initial_score"] = ini, ["final_score"] = fin, ["moves"] = plan.Count,
                ["jobsets"] = json,
            });
            initial += ini; final += fin; moves += plan.Count;
        }
        return new JsonObject
        {
            ["initial_score"] = initial, ["final_score"] = final, ["moves"] = moves,
            ["jobsets"] = new JsonArray(merged.Select(s => (JsonNode?)s).ToArray()),
            ["groups"] = perGroup,
        };
    }

    /// <summary>How many more instances fit (hspace): of the standard spec, and tier by tier from the largest.</summary>
    public static async Task<JsonObject> CapacityAsync(MasterContext master, CapacityRequest request, CancellationToken ct)
    {
        var cd = await ModelAsync(master, ct).ConfigureAwait(false);
        var pol = cd.Policy;
        DiskTemplate template;
        try
        {
            template = request.DiskTemplate is { } t ? DiskTemplates.FromRaw(t) : pol.DiskTemplates.FirstOrDefault(DiskTemplate.Drbd);
        }
        catch (FormatException e)
        {
            throw GanetiException.WrongInput(e.Message);
        }
        var std = request.Standard ?? pol.Std;
        // As hspace: tier by tier from each of the policy's largest specs in turn, unless one is given.
        IReadOnlyList<ISpec> tieredSpecs = request.Tiered is { } t1 ? new[] { t1 }
            : pol.MinMax.Count > 0 ? pol.MinMax.Select(m => m.Max).ToList() : new[] { ISpec.DefaultMax };
        var tiered = tieredSpecs[0];
        var online = cd.Nodes.Where(n => !n.Offline).ToList();
        var text = HTools.Text.TextSerializer.Serialize(cd);
        ClusterData Copy() => ClusterLoader.Finish(HTools.Text.TextLoader.Parse(text), new LoadOptions());
        var s = await Task.Run(() => CapacityPlanner.Run(Copy(), std, template, tiered: false, spindleUse: pol.Std.SpindleUse), ct).ConfigureAwait(false);
        var r = await Task.Run(() => CapacityPlanner.RunTiered(Copy(), tieredSpecs, template, spindleUse: pol.Std.SpindleUse), ct).ConfigureAwait(false);
        static JsonObject Spec(ISpec x) => new()
        {
            ["memory_size"] = x.MemorySize, ["disk_size"] = x.DiskSize, ["cpu_count"] = x.CpuCount, ["spindle_use"] = x.SpindleUse,
        };
        return new JsonObject
        {
            ["disk_template"] = DiskTemplates.ToRaw(template),
            ["nodes"] = online.Count,
            ["instances"] = cd.Instances.Count,
            ["memory_total"] = online.Sum(n => (long)n.State.TMem),
            ["memory_available"] = online.Sum(n => (long)n.State.AvailMem),
            ["disk_total"] = online.Sum(n => (long)n.State.TDsk),
            ["disk_available"] = online.Sum(n => (long)n.State.AvailDisk),
            ["standard"] = new JsonObject
            {
                ["spec"] = Spec(std), ["count"] = s.Allocated,
                ["fail_reason"] = s.FailReason.Length == 0 ? null : s.FailReason,
            },
            ["tiered"] = new JsonObject
            {
                ["spec"] = Spec(tiered), ["count"] = r.Allocated,
                ["tiers"] = new JsonArray(r.Tiers.Select(x => (JsonNode?)new JsonObject
                {
                    ["memory_size"] = x.Mem, ["disk_size"] = x.Dsk, ["cpu_count"] = x.Cpu, ["spindle_use"] = x.Spn, ["count"] = x.Count,
                }).ToArray()),
            },
        };
    }
}
