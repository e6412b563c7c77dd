namespace OpcodeGen;

/// <summary>
/// Chooses the C# type of a parameter from Ganeti's type description. Only the shape
/// matters here; the exact check is done at run time from the same description.
/// </summary>
internal static class TypeMapper
{
    // Sizes in MiB can pass 2 GiB worth of MiB only in long.
    private static readonly HashSet<string> LongParams = ["amount", "memory", "runtime_mem"];

    private static readonly HashSet<string> Scalars = ["bool", "int", "long", "double", "string"];

    public static string Map(SpecParam p)
    {
        var type = p.Type;
        if (type == "Anything")
            return "JsonElement?";
        var nullable = type.StartsWith("None or ", StringComparison.Ordinal);
        if (nullable)
            type = type["None or ".Length..];
        var clr = MapInner(type, LongParams.Contains(p.Name), topLevel: true);
        return nullable && !clr.EndsWith('?') ? clr + "?" : clr;
    }

    /// <summary>The values of a OneOf at the top of the type (or under "None or"), else null.</summary>
    public static IReadOnlyList<string>? OneOfValues(string type)
    {
        if (type.StartsWith("None or ", StringComparison.Ordinal))
            type = type["None or ".Length..];
        type = Unwrap(type);
        if (type.StartsWith("<function TStorageType", StringComparison.Ordinal))
            return ["diskless", "ext", "file", "gluster", "lvm-pv", "lvm-vg", "rbd", "sharedfile"];
        if (!type.StartsWith("OneOf ", StringComparison.Ordinal))
            return null;
        return type["OneOf ".Length..].Split(", ");
    }

    private static string MapInner(string type, bool isLong, bool topLevel)
    {
        type = Unwrap(type);
        if (type.StartsWith("None or ", StringComparison.Ordinal))
        {
            var inner = MapInner(type["None or ".Length..], isLong, topLevel);
            return inner.EndsWith('?') ? inner : inner + "?";
        }
        var alternatives = SplitTopLevel(type, " or ");
        if (alternatives.Count > 1)
            return alternatives.All(a => Unwrap(a).StartsWith("List of ", StringComparison.Ordinal))
                ? "List<JsonElement>"
                : "JsonElement";
        if (TryStrip(type, "List of ", out var item) || TryStrip(type, "Set of ", out item))
        {
            var itemType = Unwrap(item).StartsWith("Dictionary ", StringComparison.Ordinal)
                ? "Dictionary<string, JsonElement>"
                : MapInner(item, isLong, topLevel: false);
            return Scalars.Contains(itemType) || itemType.StartsWith("Dictionary<", StringComparison.Ordinal)
                ? $"List<{itemType}>"
                : "List<JsonElement>";
        }
        if (TryStrip(type, "Dictionary with keys of ", out var rest))
        {
            var parts = SplitTopLevel(rest, " and values of ");
            if (parts.Count != 2)
                return "JsonElement";
            var value = Unwrap(parts[1]);
            var valueType = value switch
            {
                "Anything" or "Private Anything" => "JsonElement",
                "Boolean" or "Integer" or "None or String" => MapInner(value, false, false),
                _ when topLevel && value.StartsWith("Dictionary ", StringComparison.Ordinal) =>
                    MapInner(value, false, topLevel: false),
                _ => "JsonElement",
            };
            return $"Dictionary<string, {valueType}>";
        }
        var conjuncts = SplitTopLevel(type, " and ");
        if (conjuncts.Count > 1)
            return MapInner(conjuncts[0], isLong, topLevel);
        if (type.StartsWith("OneOf ", StringComparison.Ordinal) || type.StartsWith("<function TStorageType", StringComparison.Ordinal))
            return "string";
        return type switch
        {
            "Boolean" => "bool",
            "String" or "NonEmptyString" => "string",
            "Integer" or "EqualOrGreaterThanZero" or "GreaterThanZero" => isLong ? "long" : "int",
            "Float" => "double",
            _ => "JsonElement",
        };
    }

    private static bool TryStrip(string text, string prefix, out string rest)
    {
        rest = text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : "";
        return rest.Length > 0;
    }

    /// <summary>Drops a trailing "[remark]" and parentheses around the whole text.</summary>
    public static string Unwrap(string text)
    {
        while (true)
        {
            var trimmed = text.Trim();
            if (trimmed.EndsWith(']') && FindTopLevel(trimmed, " [", last: true) is var at and >= 0)
                trimmed = trimmed[..at];
            if (trimmed.StartsWith('(') && MatchingClose(trimmed, 0) == trimmed.Length - 1)
                trimmed = trimmed[1..^1];
            if (trimmed == text)
                return text;
            text = trimmed;
        }
    }

    private static List<string> SplitTopLevel(string text, string separator)
    {
        var parts = new List<string>();
        var start = 0;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' or '[' => 1, ')' or ']' => -1, _ => 0 };
            if (depth == 0 && string.CompareOrdinal(text, i, separator, 0, separator.Length) == 0)
            {
                parts.Add(text[start..i]);
                start = i + separator.Length;
                i = start - 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }

    private static int FindTopLevel(string text, string token, bool last)
    {
        var found = -1;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (depth == 0 && string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
            {
                found = i;
                if (!last)
                    return found;
            }
            depth += text[i] switch { '(' or '[' => 1, ')' or ']' => -1, _ => 0 };
        }
        return found;
    }

    private static int MatchingClose(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
                return i;
        }
        return -1;
    }
}
