using System.Text.Json;

namespace Ganeti.Master.Query;

/// <summary>
/// Ganeti's query field names, titles and kinds per resource (from QueryFields.json, generated
/// from Ganeti), plus this project's documented extensions (docs/rapi.md).
/// </summary>
public static class FieldCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<QueryFieldDefinition>>> Catalog = new(Load);

    public static IReadOnlyDictionary<string, IReadOnlyList<QueryFieldDefinition>> All => Catalog.Value;

    public static IReadOnlyList<QueryFieldDefinition> For(string resource) =>
        All.TryGetValue(resource, out var f) ? f : [];

    private static IReadOnlyDictionary<string, IReadOnlyList<QueryFieldDefinition>> Load()
    {
        using var stream = typeof(FieldCatalog).Assembly.GetManifestResourceStream("Ganeti.Master.QueryFields.json")
            ?? throw new InvalidOperationException("QueryFields.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        var result = new Dictionary<string, IReadOnlyList<QueryFieldDefinition>>(StringComparer.Ordinal);
        foreach (var res in doc.RootElement.EnumerateObject())
            result[res.Name] = res.Value.EnumerateArray().Select(f => new QueryFieldDefinition(
                f.GetProperty("name").GetString()!, f.GetProperty("title").GetString()!,
                f.GetProperty("kind").GetString()!, f.GetProperty("doc").GetString()!))
                .Concat(Extensions.Where(e => e.Resource == res.Name).Select(e => e.Field)).ToList();
        return result;
    }

    private static readonly (string Resource, QueryFieldDefinition Field)[] Extensions =
    [
        ("os", new QueryFieldDefinition("differences", "Differences", "other",
            "How the nodes disagree about the OS: missing or invalid on a node, shadowed directories, different API versions, variants, parameters or scripts")),
    ];
}
