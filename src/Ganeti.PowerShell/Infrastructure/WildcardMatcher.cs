using System.Text;
using System.Text.RegularExpressions;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// PowerShell's wildcard language (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>, backtick
/// escapes), case-insensitive, without needing a PowerShell runtime.
/// </summary>
public sealed class WildcardMatcher
{
    private readonly Regex _regex;

    public WildcardMatcher(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex("^" + Translate(pattern) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Pattern { get; }

    public bool IsMatch(string value) => _regex.IsMatch(value);

    /// <summary>True when the text has an unescaped wildcard character.</summary>
    public static bool ContainsWildcard(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '`') { i++; continue; }
            if (text[i] is '*' or '?' or '[') return true;
        }
        return false;
    }

    /// <summary>The literal a pattern without wildcards stands for (escapes removed).</summary>
    public static string Unescape(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '`' && i + 1 < text.Length) i++;
            sb.Append(text[i]);
        }
        return sb.ToString();
    }

    private static string Translate(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0) { sb.Append(@"\["); break; }
                    var set = pattern[(i + 1)..close];
                    sb.Append('[').Append(set.Replace(@"\", @"\\").Replace("^", @"\^")).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return sb.ToString();
    }
}
