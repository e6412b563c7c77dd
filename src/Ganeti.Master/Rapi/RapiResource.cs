using System.Text.Json.Nodes;

namespace Ganeti.Master.Rapi;

/// <summary>Handles one method of a resource; returns the JSON answer (null is JSON null).</summary>
public delegate Task<JsonNode?> RapiHandler(RapiRequest request);

/// <summary>One method of a resource with the rights it needs (empty: none).</summary>
public sealed record RapiMethod(IReadOnlyList<string> Access, RapiHandler Handler);

/// <summary>
/// A RAPI resource: a URL template such as <c>/2/instances/{instance}/startup</c>, Ganeti's
/// name for it (used in the reason trail, e.g. <c>instances_name_startup</c>) and its
/// methods. Without an explicit access list GET is open and the other methods need write,
/// as in Ganeti's baserlib.
/// </summary>
public sealed class RapiResource
{
    private readonly Dictionary<string, RapiMethod> _methods = new(StringComparer.Ordinal);

    public RapiResource(string template, string name)
    {
        Template = template;
        Name = name;
        Segments = template == "/" ? [] : template.TrimStart('/').Split('/');
    }

    public string Template { get; }

    /// <summary>Ganeti's handler name without its R_2_ prefix.</summary>
    public string Name { get; }

    public IReadOnlyList<string> Segments { get; }

    public IReadOnlyDictionary<string, RapiMethod> Methods => _methods;

    public RapiResource Get(RapiHandler handler, IReadOnlyList<string>? access = null) =>
        Add("GET", handler, access ?? RapiAccess.None);

    public RapiResource Put(RapiHandler handler, IReadOnlyList<string>? access = null) =>
        Add("PUT", handler, access ?? RapiAccess.WriteOnly);

    public RapiResource Post(RapiHandler handler, IReadOnlyList<string>? access = null) =>
        Add("POST", handler, access ?? RapiAccess.WriteOnly);

    public RapiResource Delete(RapiHandler handler, IReadOnlyList<string>? access = null) =>
        Add("DELETE", handler, access ?? RapiAccess.WriteOnly);

    private RapiResource Add(string method, RapiHandler handler, IReadOnlyList<string> access)
    {
        _methods.Add(method, new RapiMethod(access, handler));
        return this;
    }
}
