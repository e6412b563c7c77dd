using System.Text.Json;

namespace Ganeti.Master.Query;

/// <summary>Ganeti's query field names, titles and kinds per resource (from QueryFields.json).</summary>
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
                f.GetProperty("kind").GetString()!, f.GetProperty("doc").GetString()!)).ToList();
        return result;
    }
}
