using System.Globalization;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.Master.Rapi;

/// <summary>
/// One request as resource handlers see it: the URL's placeholder values, query arguments
/// (Python parse_qs rules: repeated names kept, blank values dropped), the parsed JSON body,
/// the authenticated user and the master to talk to.
/// </summary>
public sealed class RapiRequest
{
    public RapiRequest(string method, string path, RapiResource resource, IReadOnlyList<string> items,
        IReadOnlyDictionary<string, IReadOnlyList<string>> query, JsonNode? body, bool hasBody,
        RapiUser? user, IMasterService master, RapiServerOptions options, CancellationToken aborted)
    {
        Method = method;
        Path = path;
        Resource = resource;
        Items = items;
        Query = query;
        Body = body;
        HasBody = hasBody;
        User = user;
        Master = master;
        Options = options;
        Aborted = aborted;
    }

    public string Method { get; }
    public string Path { get; }
    public RapiResource Resource { get; }

    /// <summary>Placeholder values in URL order (instance name, disk index, ...).</summary>
    public IReadOnlyList<string> Items { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Query { get; }

    /// <summary>The parsed body; null when there was none (or it was JSON null).</summary>
    public JsonNode? Body { get; }

    public bool HasBody { get; }
    public RapiUser? User { get; }
    public IMasterService Master { get; }
    public RapiServerOptions Options { get; }

    /// <summary>Cancelled when the client goes away.</summary>
    public CancellationToken Aborted { get; }

    public string Item(int index) => Items[index];

    /// <summary>All values of a query argument.</summary>
    public IReadOnlyList<string> QueryValues(string name) =>
        Query.TryGetValue(name, out var v) ? v : [];

    public bool HasQuery(string name) => Query.ContainsKey(name);

    /// <summary>An integer query argument (first value); 400 when it is not a number.</summary>
    public long CheckInt(string name, long defaultValue = 0)
    {
        var values = QueryValues(name);
        if (values.Count == 0) return defaultValue;
        if (long.TryParse(values[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            return v;
        throw RapiException.BadRequest($"Invalid value for the '{name}' parameter");
    }

    /// <summary>A boolean query argument given as 0/1.</summary>
    public bool CheckBool(string name, bool defaultValue = false) => CheckInt(name, defaultValue ? 1 : 0) != 0;

    public string? CheckString(string name, string? defaultValue = null)
    {
        var values = QueryValues(name);
        return values.Count == 0 ? defaultValue : values[0];
    }

    public bool UseBulk() => CheckBool("bulk");
    public bool UseForce() => CheckBool("force");
    public bool DryRun() => CheckBool("dry-run");
    public bool UseLocking() => CheckBool("lock");

    /// <summary>A required body parameter; 400 when the body is not an object or lacks it.</summary>
    public JsonNode? BodyParameter(string name)
    {
        if (Body is JsonObject o && o.TryGetPropertyValue(name, out var v)) return v;
        if (Body is not null and not JsonObject)
            throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(Body)}', but 'dict' is expected");
        throw RapiException.BadRequest($"Required parameter '{name}' is missing");
    }

    /// <summary>An optional body parameter.</summary>
    public JsonNode? BodyParameter(string name, JsonNode? defaultValue)
    {
        if (Body is JsonObject o && o.TryGetPropertyValue(name, out var v)) return v;
        if (Body is not null and not JsonObject)
            throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(Body)}', but 'dict' is expected");
        return defaultValue;
    }

    /// <summary>
    /// Ganeti's reason trail for an opcode submitted through RAPI: the user's ?reason= (if
    /// any) as ["gnt:user", reason, ns], then ["gnt:library:rlib2:&lt;resource&gt;", "", ns].
    /// </summary>
    public JsonArray ReasonTrail()
    {
        var trail = new JsonArray();
        var userReason = CheckString("reason");
        if (!string.IsNullOrEmpty(userReason))
            trail.Add(new JsonArray("gnt:user", userReason, RapiJson.EpochNano()));
        trail.Add(new JsonArray($"gnt:library:rlib2:{Resource.Name}", "", RapiJson.EpochNano()));
        return trail;
    }

    /// <summary>
    /// Builds one opcode the way Ganeti's OpcodeResource does: the body's parameters (renamed
    /// where the resource renames them) plus the static ones from the URL and query, which
    /// the body may not override, plus the reason trail; then submits it as a job and
    /// answers the job id. ?dry-run=1 makes every opcode a dry run: Ganeti passes it on only
    /// where a resource names it, and silently runs the others (instance and node migrate,
    /// failover) for real; a client that asks for a dry run never wants that.
    /// </summary>
    public async Task<JsonNode?> SubmitOpcodeAsync(string opId, JsonNode? body, JsonObject? staticParams = null,
        IReadOnlyDictionary<string, string>? rename = null)
    {
        var all = new JsonObject { ["reason"] = ReasonTrail() };
        if (DryRun())
        {
            // A body that already asks for a dry run agrees with the query; one that says
            // dry_run false contradicts it.
            if (body is JsonObject b && b.TryGetPropertyValue("dry_run", out var bodyDryRun))
            {
                if (bodyDryRun is not JsonValue v || !v.TryGetValue<bool>(out var asked) || !asked)
                    throw RapiException.BadRequest("The query asks for a dry run (dry-run=1) but the body's dry_run does not");
            }
            else
                all["dry_run"] = true;
        }
        if (staticParams is not null)
            foreach (var (k, v) in staticParams)
                all[k] = v?.DeepClone();
        var op = RapiOpcodes.Fill(opId, body, all, rename);
        return await SubmitJobAsync([op]);
    }

    /// <summary>Submits a job and answers its id as a JSON number.</summary>
    public async Task<JsonNode?> SubmitJobAsync(IReadOnlyList<JsonObject> ops)
    {
        var id = await Master.SubmitJobAsync(ops, Aborted);
        return JsonValue.Create(id);
    }

    /// <summary>Turns a backend error into the HTTP error Ganeti's RAPI would answer.</summary>
    public static RapiException MapError(GanetiException e) => RapiErrors.FromGaneti(e);
}
