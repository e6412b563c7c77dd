using System.Globalization;
using System.Text.Json;

namespace Ganeti.Core.Opcodes.Types;

/// <summary>
/// Reads the type descriptions Ganeti prints for opcode parameters, e.g.
/// <c>None or (List of (Tuple of (Integer, Integer)))</c>. The grammar is Ganeti's
/// <c>ht</c> module's output: "or" binds looser than "and", parentheses group, and
/// "[text]" after a type is a remark.
/// </summary>
internal sealed class OpParamTypeParser
{
    private static readonly (string Name, Func<JsonElement, bool> Check)[] Simple =
    [
        ("EqualOrGreaterThanZero", TypeChecks.NonNegative),
        ("GreaterThanZero", TypeChecks.Positive),
        ("NonEmptyString", TypeChecks.NonEmptyString),
        ("RelativeJobId", TypeChecks.RelativeJobId),
        ("IPv4 address", TypeChecks.Ipv4Address),
        ("IPv4 network", TypeChecks.Ipv4Network),
        ("IPv6 address", TypeChecks.Ipv6Address),
        ("IPv6 network", TypeChecks.Ipv6Network),
        ("Anything", TypeChecks.Anything),
        ("Boolean", TypeChecks.Boolean),
        ("Integer", TypeChecks.Integer),
        ("String", TypeChecks.String),
        ("Float", TypeChecks.Float),
        ("JobId", TypeChecks.JobId),
        ("Tuple", TypeChecks.Array),
        ("List", TypeChecks.Array),
        ("None", TypeChecks.None),
    ];

    private readonly string _text;
    private int _pos;

    private OpParamTypeParser(string text) => _text = text;

    public static Func<JsonElement, bool> Parse(string text)
    {
        var parser = new OpParamTypeParser(text);
        var check = parser.ParseOr();
        if (parser._pos != text.Length)
            throw parser.Error("unexpected text");
        return check;
    }

    private Func<JsonElement, bool> ParseOr()
    {
        var parts = new List<Func<JsonElement, bool>> { ParseAnd() };
        while (TryConsume(" or "))
            parts.Add(ParseAnd());
        return parts.Count == 1 ? parts[0] : TypeChecks.Or(parts);
    }

    private Func<JsonElement, bool> ParseAnd()
    {
        var parts = new List<Func<JsonElement, bool>> { ParsePrimary() };
        while (TryConsume(" and "))
            parts.Add(ParsePrimary());
        return parts.Count == 1 ? parts[0] : TypeChecks.And(parts);
    }

    private Func<JsonElement, bool> ParsePrimary()
    {
        var check = ParseBare();
        // Remarks such as "[Disk index]" document a type without changing it.
        while (TryConsume(" ["))
        {
            var end = _text.IndexOf(']', _pos);
            if (end < 0)
                throw Error("unterminated remark");
            _pos = end + 1;
        }
        return check;
    }

    private Func<JsonElement, bool> ParseBare()
    {
        if (TryConsume("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }
        if (TryConsume("List of ") || TryConsume("Set of "))
            return TypeChecks.ListOf(ParsePrimary());
        if (TryConsume("Dictionary with keys of "))
        {
            var key = ParsePrimary();
            Expect(" and values of ");
            return TypeChecks.DictOf(key, ParsePrimary());
        }
        if (TryConsume("Tuple of ("))
        {
            var items = new List<Func<JsonElement, bool>> { ParseOr() };
            while (TryConsume(", "))
                items.Add(ParseOr());
            Expect(")");
            return TypeChecks.TupleOf(items);
        }
        if (TryConsume("Item "))
        {
            var items = new List<(int, Func<JsonElement, bool>)>();
            do
            {
                var index = ReadNumber();
                Expect(" is ");
                items.Add(((int)index, ParsePrimary()));
            } while (TryConsume(", item "));
            return TypeChecks.Items(items);
        }
        if (TryConsume("Length "))
            return TypeChecks.Length((int)ReadNumber());
        if (TryConsume("Less than "))
            return TypeChecks.LessThan(ReadNumber());
        if (TryConsume("Private "))
            return ParsePrimary();
        if (TryConsume("OneOf "))
            return TypeChecks.OneOf(ReadOneOfItems());
        if (TryConsume("<function TStorageType"))
        {
            var end = _text.IndexOf('>', _pos);
            if (end < 0)
                throw Error("unterminated function name");
            _pos = end + 1;
            return TypeChecks.OneOf(TypeChecks.StorageTypes);
        }
        foreach (var (name, check) in Simple)
            if (TryConsumeWord(name))
                return check;
        throw Error("unknown type");
    }

    // "OneOf a, b, c" runs to the closing parenthesis; in "Tuple of (OneOf x, y, NonEmptyString)"
    // Ganeti's printer leaves the set unbracketed, so a type name ends the set.
    private List<string> ReadOneOfItems()
    {
        var items = new List<string> { ReadItem() };
        while (_text.AsSpan(_pos).StartsWith(", ") && !StartsWithTypeName(_pos + 2))
        {
            _pos += 2;
            items.Add(ReadItem());
        }
        return items;
    }

    private string ReadItem()
    {
        var start = _pos;
        while (_pos < _text.Length && _text[_pos] is not (',' or ')' or ' '))
            _pos++;
        if (_pos == start)
            throw Error("empty OneOf item");
        return _text[start.._pos];
    }

    private bool StartsWithTypeName(int at)
    {
        foreach (var (name, _) in Simple)
            if (IsWordAt(at, name))
                return true;
        return false;
    }

    private double ReadNumber()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '-' or '.'))
            _pos++;
        if (!double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            throw Error("number expected");
        return n;
    }

    private bool TryConsume(string token)
    {
        if (!_text.AsSpan(_pos).StartsWith(token, StringComparison.Ordinal))
            return false;
        _pos += token.Length;
        return true;
    }

    private bool TryConsumeWord(string word)
    {
        if (!IsWordAt(_pos, word))
            return false;
        _pos += word.Length;
        return true;
    }

    // A whole word: "None" must not match the start of "NonEmptyString"'s neighbours.
    private bool IsWordAt(int at, string word) =>
        _text.AsSpan(at).StartsWith(word, StringComparison.Ordinal) &&
        (at + word.Length == _text.Length || !char.IsAsciiLetterOrDigit(_text[at + word.Length]));

    private void Expect(string token)
    {
        if (!TryConsume(token))
            throw Error($"'{token}' expected");
    }

    private FormatException Error(string what) =>
        new($"Cannot read Ganeti type '{_text}': {what} at position {_pos}");
}
