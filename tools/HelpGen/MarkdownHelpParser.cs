using System.Text;

namespace Ganeti.HelpGen;

/// <summary>
/// Reads platyPS-format cmdlet pages: front matter, "# Name", "## SYNOPSIS", "## SYNTAX" with
/// "### Set" and fenced syntax lines, "## DESCRIPTION", "## EXAMPLES" with "### Example" code
/// and remarks, "## PARAMETERS" with "### -Name", a description and a yaml block, then INPUTS,
/// OUTPUTS, NOTES and RELATED LINKS.
/// </summary>
public static class MarkdownHelpParser
{
    public static CmdletHelp ParseFile(string path) => Parse(File.ReadAllText(path));

    public static CmdletHelp Parse(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var help = new CmdletHelp();
        var i = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            i = 1;
            while (i < lines.Length && lines[i].Trim() != "---") i++;
            i++;
        }
        string? section = null;
        var sectionLines = new List<string>();
        void Flush()
        {
            if (section is not null) ApplySection(help, section, sectionLines);
            sectionLines = [];
        }
        for (; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("# ", StringComparison.Ordinal) && !InFence(sectionLines))
            {
                help.Name = line[2..].Trim();
                continue;
            }
            if (line.StartsWith("## ", StringComparison.Ordinal) && !InFence(sectionLines))
            {
                Flush();
                section = line[3..].Trim().ToUpperInvariant();
                continue;
            }
            sectionLines.Add(line);
        }
        Flush();
        return help;
    }

    private static bool InFence(List<string> lines) => lines.Count(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal)) % 2 == 1;

    private static void ApplySection(CmdletHelp help, string section, List<string> lines)
    {
        switch (section)
        {
            case "SYNOPSIS":
                help.Synopsis = Text(lines);
                break;
            case "DESCRIPTION":
                help.Description = Text(lines);
                break;
            case "NOTES":
                help.Notes = Text(lines);
                break;
            case "SYNTAX":
                foreach (var (title, body) in Subsections(lines))
                {
                    var code = Fenced(body);
                    if (code.Length > 0) help.Syntax.Add((title.Replace(" (Default)", "", StringComparison.Ordinal), string.Join(" ", code.Split('\n').Select(l => l.Trim()))));
                }
                break;
            case "EXAMPLES":
                foreach (var (title, body) in Subsections(lines))
                {
                    var code = Fenced(body);
                    var remarks = Text(AfterFence(body));
                    help.Examples.Add(new HelpExample(title, code, remarks));
                }
                break;
            case "PARAMETERS":
                foreach (var (title, body) in Subsections(lines))
                {
                    if (title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
                    {
                        help.HasCommonParameters = true;
                        continue;
                    }
                    var p = new HelpParameter { Name = title.TrimStart('-') };
                    p.Description = Text(BeforeFence(body));
                    foreach (var yamlLine in Fenced(body).Split('\n'))
                    {
                        var colon = yamlLine.IndexOf(':');
                        if (colon > 0) p.Fields[yamlLine[..colon].Trim()] = yamlLine[(colon + 1)..].Trim();
                    }
                    help.Parameters.Add(p);
                }
                break;
            case "INPUTS":
                help.Inputs.AddRange(Subsections(lines).Select(s => (s.Title, Text(s.Body))));
                break;
            case "OUTPUTS":
                help.Outputs.AddRange(Subsections(lines).Select(s => (s.Title, Text(s.Body))));
                break;
            case "RELATED LINKS":
                help.RelatedLinks.AddRange(lines.Select(l => l.Trim()).Where(l => l.Length > 0)
                    .Select(l => l.StartsWith('[') && l.IndexOf(']') > 0 ? l[1..l.IndexOf(']')] : l.TrimStart('-', '*', ' ')));
                break;
        }
    }

    private static List<(string Title, List<string> Body)> Subsections(List<string> lines)
    {
        var result = new List<(string, List<string>)>();
        List<string>? current = null;
        var fence = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fence = !fence;
            if (!fence && line.StartsWith("### ", StringComparison.Ordinal))
            {
                current = [];
                result.Add((line[4..].Trim(), current));
                continue;
            }
            current?.Add(line);
        }
        return result;
    }

    private static string Fenced(List<string> lines)
    {
        var sb = new StringBuilder();
        var inside = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (inside) break;
                inside = true;
                continue;
            }
            if (inside) sb.Append(line).Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }

    private static List<string> BeforeFence(List<string> lines) =>
        lines.TakeWhile(l => !l.TrimStart().StartsWith("```", StringComparison.Ordinal)).ToList();

    private static List<string> AfterFence(List<string> lines)
    {
        var fences = 0;
        var result = new List<string>();
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fences++; continue; }
            if (fences >= 2) result.Add(line);
        }
        return result;
    }

    /// <summary>Paragraph text: lines joined, blank lines kept as paragraph breaks.</summary>
    private static string Text(List<string> lines)
    {
        var paragraphs = new List<string>();
        var current = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                if (current.Count > 0) paragraphs.Add(string.Join(" ", current));
                current.Clear();
            }
            else
            {
                current.Add(line);
            }
        }
        if (current.Count > 0) paragraphs.Add(string.Join(" ", current));
        return string.Join("\n\n", paragraphs);
    }
}
