using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>A balancing plan (what hbal computes), from <c>GET /2/cluster/balance</c>.</summary>
public sealed class GntBalancePlan
{
    public double InitialScore { get; init; }
    public double FinalScore { get; init; }
    public int Moves { get; init; }
    /// <summary>The job sets in order; the jobs of one set touch disjoint nodes and may run in parallel.</summary>
    public GntPlannedJob[][] JobSets { get; init; } = [];
    public int JobSetCount => JobSets.Length;

    public static GntBalancePlan FromWire(JsonObject o)
    {
        var sets = (o["jobsets"] as JsonArray ?? []).Select((set, k) => (set as JsonArray ?? [])
            .Select(job => GntPlannedJob.FromWire(k + 1, job as JsonArray ?? [])).ToArray()).ToArray();
        return new GntBalancePlan
        {
            InitialScore = o["initial_score"]?.GetValue<double>() ?? 0,
            FinalScore = o["final_score"]?.GetValue<double>() ?? 0,
            Moves = Int(o, "moves") ?? sets.Sum(s => s.Length),
            JobSets = sets,
        };
    }
}

/// <summary>One job of a plan: the instance it moves and its opcodes, ready to submit.</summary>
public sealed class GntPlannedJob
{
    public int JobSet { get; init; }
    public string Instance { get; init; } = "";
    /// <summary>The opcode ids in order, e.g. OP_INSTANCE_REPLACE_DISKS, OP_INSTANCE_MIGRATE.</summary>
    public string[] Operations { get; init; } = [];
    /// <summary>The target node of each step where it has one.</summary>
    public string[] Targets { get; init; } = [];
    internal JsonObject[] OpCodes { get; init; } = [];

    /// <summary>Copies of the opcodes in Ganeti's JSON form.</summary>
    public IReadOnlyList<JsonObject> GetOpCodes() => OpCodes.Select(o => (JsonObject)o.DeepClone()).ToList();

    public static GntPlannedJob FromWire(int jobSet, JsonArray ops)
    {
        var list = ops.OfType<JsonObject>().ToArray();
        return new GntPlannedJob
        {
            JobSet = jobSet,
            Instance = list.Select(o => Str(o, "instance_name")).FirstOrDefault(n => n is not null) ?? "",
            Operations = list.Select(o => Str(o, "OP_ID") ?? "").ToArray(),
            Targets = list.Select(o => Str(o, "remote_node") ?? Str(o, "target_node")).Where(n => n is not null).Select(n => n!).ToArray(),
            OpCodes = list.Select(o => (JsonObject)o.DeepClone()).ToArray(),
        };
    }
}
