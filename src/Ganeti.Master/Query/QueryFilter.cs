using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ganeti.Core.Errors;

namespace Ganeti.Master.Query;

/// <summary>
/// Ganeti's query filter language: nested lists such as
/// <c>["&amp;", ["=", "name", "web1"], ["!", ["?", "admin_state"]]]</c>. Operators: &amp; | ! (logic),
/// = != &lt; &gt; &lt;= &gt;= (comparison), =~ (regular expression), =[] (list contains), ? (true-ish).
/// </summary>
public sealed class QueryFilter
{
    private readonly Func<Func<string, JsonNode?>, bool> predicate;

    private QueryFilter(Func<Func<string, JsonNode?>, bool> predicate, IReadOnlySet<string> fields)
    {
        this.predicate = predicate;
        Fields = fields;
    }

    /// <summary>The fields the filter reads.</summary>
    public IReadOnlySet<string> Fields { get; }

    public bool Matches(Func<string, JsonNode?> valueOf) => predicate(valueOf);

    public static QueryFilter? Parse(JsonNode? filter)
    {
        if (filter is null) return null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        var p = Build(filter, fields);
        return new QueryFilter(p, fields);
    }

    private static Func<Func<string, JsonNode?>, bool> Build(JsonNode node, HashSet<string> fields)
    {
        if (node is not JsonArray { Count: > 0 } arr || arr[0] is not JsonValue opNode || !opNode.TryGetValue<string>(out var op))
            throw GanetiException.WrongInput($"Invalid query filter: {node.ToJsonString()}");
        string Field(int i)
        {
            if (arr.Count <= i || arr[i] is not JsonValue v || !v.TryGetValue<string>(out var f))
                throw GanetiException.WrongInput($"Query filter operator '{op}' needs a field name");
            fields.Add(f);
            return f;
        }
        JsonNode? Operand(int i) => arr.Count > i ? arr[i] : throw GanetiException.WrongInput($"Query filter operator '{op}' needs a value");
        switch (op)
        {
            case "&":
            {
                var parts = arr.Skip(1).Select(n => Build(n!, fields)).ToList();
                return v => parts.All(p => p(v));
            }
            case "|":
            {
                var parts = arr.Skip(1).Select(n => Build(n!, fields)).ToList();
                return v => parts.Any(p => p(v));
            }
            case "!":
            {
                if (arr.Count != 2) throw GanetiException.WrongInput("Query filter '!' takes one operand");
                var inner = Build(arr[1]!, fields);
                return v => !inner(v);
            }
            case "?":
            {
                var f = Field(1);
                return v => Truthy(v(f));
            }
            case "=" or "!=" or "<" or ">" or "<=" or ">=":
            {
                var f = Field(1);
                var value = Operand(2)?.DeepClone();
                return op switch
                {
                    "=" => v => Compare(v(f), value) == 0,
                    "!=" => v => Compare(v(f), value) != 0,
                    "<" => v => Compare(v(f), value) is < 0 and not int.MinValue,
                    ">" => v => Compare(v(f), value) is > 0 and not int.MaxValue,
                    "<=" => v => Compare(v(f), value) is <= 0 and not int.MinValue,
                    _ => v => Compare(v(f), value) is >= 0 and not int.MaxValue,
                };
            }
            case "=~":
            {
                var f = Field(1);
                var pattern = Operand(2) is JsonValue pv && pv.TryGetValue<string>(out var s) ? s
                    : throw GanetiException.WrongInput("Query filter '=~' needs a regular expression string");
                Regex regex;
                try { regex = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)); }
                catch (ArgumentException e) { throw GanetiException.WrongInput($"Invalid regular expression '{pattern}': {e.Message}"); }
                return v => v(f) is JsonValue x && x.TryGetValue<string>(out var str) && regex.IsMatch(str);
            }
            case "=[]":
            {
                var f = Field(1);
                var value = Operand(2)?.DeepClone();
                return v => v(f) is JsonArray list && list.Any(item => Compare(item, value) == 0);
            }
            default:
                throw GanetiException.WrongInput($"Unknown query filter operator '{op}'");
        }
    }

    private static bool Truthy(JsonNode? n) => n switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>() != 0,
        _ => true,
    };

    /// <summary>Orders two values; int.MinValue/MaxValue stand for "not comparable".</summary>
    private static int Compare(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null) return a is null && b is null ? 0 : int.MinValue;
        if (a is JsonValue va && b is JsonValue vb)
        {
            var ka = va.GetValueKind();
            var kb = vb.GetValueKind();
            if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
                return va.GetValue<double>().CompareTo(vb.GetValue<double>());
            if (ka == JsonValueKind.String && kb == JsonValueKind.String)
                return string.CompareOrdinal(va.GetValue<string>(), vb.GetValue<string>());
            if (ka is JsonValueKind.True or JsonValueKind.False && kb is JsonValueKind.True or JsonValueKind.False)
                return (ka == JsonValueKind.True).CompareTo(kb == JsonValueKind.True);
            if (ka == JsonValueKind.Number && kb == JsonValueKind.String && double.TryParse(vb.GetValue<string>(), out var db))
                return va.GetValue<double>().CompareTo(db);
            return int.MinValue;
        }
        return JsonNode.DeepEquals(a, b) ? 0 : int.MinValue;
    }
}
