using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Test;

/// <summary>
/// Ganeti's test opcode: returns the given result, logs the given messages, fails when asked,
/// and with submit_jobs returns those jobs as follow-up jobs (the result then carries "jobs").
/// </summary>
public sealed class LUTestDummy : LogicalUnit<OpTestDummy>
{
    private List<IReadOnlyList<JsonObject>>? jobs;

    public override void CheckArguments()
    {
        if (Op.SubmitJobs is not { ValueKind: not JsonValueKind.Null } submit) return;
        if (submit.ValueKind != JsonValueKind.Array)
            throw GanetiException.WrongInput("Parameter 'submit_jobs' must be a list of jobs, each a list of opcodes");
        jobs = [];
        foreach (var job in submit.EnumerateArray())
        {
            if (job.ValueKind != JsonValueKind.Array)
                throw GanetiException.WrongInput("Parameter 'submit_jobs' must be a list of jobs, each a list of opcodes");
            jobs.Add(job.EnumerateArray().Select(o => JsonNode.Parse(o.GetRawText()) as JsonObject
                ?? throw GanetiException.WrongInput("Each opcode in 'submit_jobs' must be an object")).ToList());
        }
    }

    public override Task<JsonNode?> ExecAsync(CancellationToken cancellationToken)
    {
        if (Op.Messages is { ValueKind: JsonValueKind.Array } messages)
            foreach (var m in messages.EnumerateArray())
                Log(m.ValueKind == JsonValueKind.String ? m.GetString()! : m.GetRawText());
        if (Op.Fail is { ValueKind: JsonValueKind.True })
            throw GanetiException.Exec("Opcode failed on purpose (fail was set)");
        JsonNode? result = Op.Result is { } r ? JsonNode.Parse(r.GetRawText()) : null;
        if (jobs is null) return Task.FromResult(result);
        return Task.FromResult<JsonNode?>(ResultWithJobs(jobs, result is JsonObject o ? o : result is null ? null : new JsonObject { ["result"] = result }));
    }
}
