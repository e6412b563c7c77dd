using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Ganeti.HelpGen;

/// <summary>Summaries from the compiler's XML documentation file, keyed by member id (T:..., P:...).</summary>
public sealed class XmlDocReader
{
    private readonly Dictionary<string, string> _summaries = new(StringComparer.Ordinal);

    public XmlDocReader(string? path)
    {
        if (path is null || !File.Exists(path)) return;
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            var summary = member.Element("summary");
            if (name is null || summary is null) continue;
            var text = string.Concat(summary.Nodes().Select(n => n is XElement e ? (string?)e.Attribute("cref")?.Value.Split('.').Last() ?? e.Value : n.ToString()));
            _summaries[name] = Regex.Replace(System.Net.WebUtility.HtmlDecode(text), @"\s+", " ").Trim();
        }
    }

    public string Type(string fullName) => _summaries.GetValueOrDefault("T:" + fullName, "");

    public string Property(string declaringType, string name) => _summaries.GetValueOrDefault($"P:{declaringType}.{name}", "");
}
