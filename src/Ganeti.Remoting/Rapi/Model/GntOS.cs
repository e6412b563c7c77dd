using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>
/// An OS definition usable for instances, as <c>GET /2/os</c> lists it: one entry per name,
/// with variants spelled <c>os+variant</c> as Ganeti does.
/// </summary>
public sealed class GntOS
{
    /// <summary>The name to pass as -OS, variant included (debootstrap+default).</summary>
    public required string Name { get; init; }
    public string BaseName { get; init; } = "";
    public string? Variant { get; init; }
    /// <summary>Only in bulk answers from masters that provide them.</summary>
    public bool? Valid { get; init; }
    public long[] ApiVersions { get; init; } = [];
    public string[] Parameters { get; init; } = [];

    public static GntOS FromName(string name)
    {
        var plus = name.IndexOf('+');
        return new GntOS
        {
            Name = name,
            BaseName = plus < 0 ? name : name[..plus],
            Variant = plus < 0 ? null : name[(plus + 1)..],
        };
    }

    /// <summary>Reads either a bare name or a bulk dictionary; a bulk entry with variants yields one per variant.</summary>
    public static IEnumerable<GntOS> FromEntry(JsonNode? n)
    {
        if (n is JsonObject o)
        {
            var name = Str(o, "name") ?? "";
            var variants = StrList(o, "variants");
            var api = LongList(o, "api_versions").Where(v => v.HasValue).Select(v => v!.Value).ToArray();
            var pars = o["parameters"] is JsonArray pa
                ? pa.Select(p => p is JsonObject po ? Str(po, "name") ?? "" : Str(p) ?? "").ToArray()
                : [];
            var valid = Bool(o, "valid");
            if (variants.Length == 0)
                return [new GntOS { Name = name, BaseName = name, Valid = valid, ApiVersions = api, Parameters = pars }];
            return variants.Select(v => new GntOS
            {
                Name = $"{name}+{v}", BaseName = name, Variant = v, Valid = valid, ApiVersions = api, Parameters = pars,
            });
        }
        var s = Str(n);
        return s is null ? [] : [FromName(s)];
    }

    public override string ToString() => Name;
}
