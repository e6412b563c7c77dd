using Ganeti.Master.LogicalUnits.Instance;

namespace Ganeti.Master.Query;

/// <summary>
/// How the nodes disagree about one OS, in the words cluster verify uses for ENODEOS: where it
/// is missing or invalid, where several directories hold it, and which nodes' definitions in use
/// differ in API versions, variants, parameters or script contents. Empty when all agree.
/// </summary>
public static class OsDifferences
{
    /// <param name="byNode">Every node that answered, by name, with the directories it found for the OS in search order.</param>
    public static IReadOnlyList<string> Describe(IReadOnlyDictionary<string, List<OsInfo>> byNode)
    {
        var result = new List<string>();
        var missing = byNode.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            result.Add($"not found on {string.Join(", ", missing)}");
        foreach (var (node, list) in byNode.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (list.Count > 0 && !list[0].Status)
                result.Add($"invalid on {node}: {list[0].Diagnose}");
            if (list.Count > 1)
                result.Add($"found {list.Count} times on {node}; {list[0].Path} shadows {string.Join(", ", list.Skip(1).Select(i => i.Path))}");
        }
        var inUse = byNode.Where(kv => kv.Value.Count > 0 && kv.Value[0].Status)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (Node: kv.Key, Os: kv.Value[0])).ToList();
        Compare(result, inUse, "API versions", os => $"[{string.Join(", ", os.ApiVersions)}]");
        Compare(result, inUse, "variants", os => $"[{string.Join(", ", os.Variants)}]");
        Compare(result, inUse, "parameters", os => $"[{string.Join(", ", os.Parameters.Select(p => p[0]))}]");
        // Nodes that do not send a checksum cannot be compared on it.
        Compare(result, inUse.Where(x => x.Os.Checksum.Length > 0).ToList(), "scripts (checksum)", os => os.Checksum[..Math.Min(12, os.Checksum.Length)]);
        return result;
    }

    private static void Compare(List<string> result, IReadOnlyList<(string Node, OsInfo Os)> nodes, string what, Func<OsInfo, string> key)
    {
        var groups = nodes.GroupBy(x => key(x.Os), StringComparer.Ordinal).ToList();
        if (groups.Count < 2)
            return;
        result.Add($"{what} differ: " + string.Join("; ", groups.Select(g => $"{g.Key} on {string.Join(", ", g.Select(x => x.Node))}")));
    }
}
