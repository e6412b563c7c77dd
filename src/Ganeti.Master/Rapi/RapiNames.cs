namespace Ganeti.Master.Rapi;

/// <summary>
/// Checks names taken from URLs. Ganeti accepts <c>[\w._-]+</c> for names and digits for job
/// ids and disk indices; anything else (shell metacharacters, path separators, spaces,
/// control characters, "." and "..") is rejected here with a message saying what is wrong.
/// </summary>
public static class RapiNames
{
    public const int MaxNameLength = 255;

    private static readonly Dictionary<string, string> Kinds = new()
    {
        ["instance"] = "instance name",
        ["node"] = "node name",
        ["group"] = "group name",
        ["network"] = "network name",
        ["filter"] = "filter UUID",
        ["resource"] = "query resource",
        ["job"] = "job id",
        ["disk"] = "disk index",
    };

    /// <summary>Throws a 400 RapiException unless <paramref name="value"/> is a valid <paramref name="kind"/>.</summary>
    public static void Check(string kind, string value)
    {
        var what = Kinds.TryGetValue(kind, out var w) ? w : kind;
        if (value.Length == 0)
            throw RapiException.BadRequest($"Missing {what} in URL");
        if (kind is "job" or "disk")
        {
            if (!value.All(char.IsAsciiDigit) || value.Length > 18)
                throw RapiException.BadRequest($"Invalid {what} '{Shown(value)}': must be a non-negative number");
            return;
        }
        if (value.Length > MaxNameLength)
            throw RapiException.BadRequest($"Invalid {what}: longer than {MaxNameLength} characters");
        if (value.Contains('/') || value.Contains('\\'))
            throw RapiException.BadRequest($"Invalid {what} '{Shown(value)}': path separators are not allowed");
        if (value.All(c => c == '.'))
            throw RapiException.BadRequest($"Invalid {what} '{Shown(value)}': a name cannot consist of dots only");
        foreach (var c in value)
        {
            if (char.IsLetterOrDigit(c) || c is '_' or '.' or '-') continue;
            var shown = char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";
            throw RapiException.BadRequest(
                $"Invalid {what} '{Shown(value)}': character {shown} is not allowed (only letters, digits, '.', '_' and '-')");
        }
    }

    /// <summary>The value with control characters replaced, safe to echo in a message.</summary>
    private static string Shown(string value) =>
        new(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
