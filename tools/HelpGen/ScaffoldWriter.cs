using System.Text;

namespace Ganeti.HelpGen;

/// <summary>
/// Writes a platyPS-format page for a cmdlet from its metadata, with descriptions from the XML
/// documentation. Used to start a page for a new cmdlet and to keep syntax and parameter
/// blocks true; the examples and prose are then written by hand.
/// </summary>
public static class ScaffoldWriter
{
    public static string Write(CmdletMetadata c, Func<string, string> parameterDoc, string synopsis, CmdletHelp? existing)
    {
        var sb = new StringBuilder();
        sb.Append("---\nexternal help file: Ganeti.PowerShell.dll-Help.xml\nModule Name: GanetiCluster\nonline version:\nschema: 2.0.0\n---\n\n");
        sb.Append($"# {c.Name}\n\n## SYNOPSIS\n{(existing?.Synopsis is { Length: > 0 } s ? s : synopsis)}\n\n## SYNTAX\n\n");
        foreach (var set in SetNames(c))
        {
            sb.Append($"### {(set == CmdletMetadataReader.AllSets ? "__AllParameterSets" : set + (set == c.DefaultParameterSet ? " (Default)" : ""))}\n```\n");
            sb.Append(SyntaxLine(c, set)).Append("\n```\n\n");
        }
        sb.Append("## DESCRIPTION\n").Append(existing?.Description is { Length: > 0 } d ? d : synopsis).Append("\n\n## EXAMPLES\n\n");
        if (existing is { Examples.Count: > 0 })
        {
            foreach (var e in existing.Examples)
                sb.Append($"### {e.Title}\n```powershell\n{e.Code}\n```\n\n{e.Remarks}\n\n");
        }
        else
        {
            sb.Append($"### Example 1\n```powershell\nPS> {c.Name}\n```\n\n\n\n");
        }
        sb.Append("## PARAMETERS\n\n");
        foreach (var p in Ordered(c))
        {
            var old = existing?.Parameters.FirstOrDefault(x => x.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase));
            var desc = old?.Description is { Length: > 0 } od ? od : parameterDoc(p.Name);
            sb.Append($"### -{p.Name}\n{desc}\n\n```yaml\n");
            sb.Append(string.Join("\n", Yaml(c, p)).TrimEnd('\n')).Append("\n```\n\n");
        }
        sb.Append("### CommonParameters\nThis cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, " +
                  "-InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -ProgressAction, -Verbose, " +
                  "-WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).\n\n");
        sb.Append("## INPUTS\n\n");
        var inputs = c.Parameters.Where(p => p.Sets.Any(s => s.ByValue || s.ByPropertyName)).ToList();
        if (inputs.Count == 0) sb.Append("### None\n\n");
        foreach (var p in inputs) sb.Append($"### {p.TypeName}\n\n");
        sb.Append("## OUTPUTS\n\n");
        foreach (var o in c.OutputTypes) sb.Append($"### {o}\n\n");
        sb.Append("## NOTES\n").Append(existing?.Notes ?? "").Append("\n\n## RELATED LINKS\n\n");
        foreach (var l in existing?.RelatedLinks ?? ["about_GanetiCluster"]) sb.Append($"[{l}]()\n\n");
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    public static IReadOnlyList<string> SetNames(CmdletMetadata c)
    {
        var named = c.Parameters.SelectMany(p => p.Sets).Select(s => s.SetName).Where(s => s != CmdletMetadataReader.AllSets).Distinct().ToList();
        if (named.Count == 0) return [CmdletMetadataReader.AllSets];
        // A default set may have no parameter of its own (Connect-GntCluster's trust on first use).
        if (c.DefaultParameterSet is { } d)
        {
            named.Remove(d);
            named.Insert(0, d);
        }
        return named;
    }

    private static IEnumerable<ParameterMetadata> Ordered(CmdletMetadata c) =>
        c.Parameters.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Concat(ShouldProcessParameters(c));

    /// <summary>-WhatIf and -Confirm are documented like parameters, as platyPS does.</summary>
    public static IEnumerable<ParameterMetadata> ShouldProcessParameters(CmdletMetadata c) => c.SupportsShouldProcess
        ?
        [
            new ParameterMetadata("Confirm", "SwitchParameter", ["cf"], false, true, [new(CmdletMetadataReader.AllSets, false, null, false, false)], []),
            new ParameterMetadata("WhatIf", "SwitchParameter", ["wi"], false, true, [new(CmdletMetadataReader.AllSets, false, null, false, false)], []),
        ]
        : [];

    private static string SyntaxLine(CmdletMetadata c, string set)
    {
        var parts = new List<string> { c.Name };
        var ps = c.Parameters
            .Select(p => (p, s: p.Sets.FirstOrDefault(x => x.SetName == set) ?? p.Sets.FirstOrDefault(x => x.SetName == CmdletMetadataReader.AllSets)))
            .Where(x => x.s is not null)
            .OrderBy(x => x.s!.Position ?? int.MaxValue).ThenBy(x => x.s!.Mandatory ? 0 : 1)
            .ToList();
        foreach (var (p, s) in ps)
        {
            var name = s!.Position is not null ? $"[-{p.Name}]" : $"-{p.Name}";
            var text = p.IsSwitch ? $"-{p.Name}" : $"{name} <{p.TypeName}>";
            parts.Add(s.Mandatory ? text : $"[{text}]");
        }
        if (c.SupportsShouldProcess) parts.AddRange(["[-WhatIf]", "[-Confirm]"]);
        parts.Add("[<CommonParameters>]");
        return string.Join(" ", parts);
    }

    private static IEnumerable<string> Yaml(CmdletMetadata c, ParameterMetadata p)
    {
        var allSets = SetNames(c);
        foreach (var group in p.Sets.GroupBy(s => (s.Mandatory, s.Position, s.ByValue, s.ByPropertyName)))
        {
            var sets = group.Select(s => s.SetName).ToList();
            var setText = sets.Contains(CmdletMetadataReader.AllSets) || (allSets.Count > 1 && allSets.All(sets.Contains)) ? "(All)" : string.Join(", ", sets);
            yield return $"Type: {p.TypeName}";
            yield return $"Parameter Sets: {setText}";
            yield return $"Aliases: {(p.Aliases.Count == 0 ? "" : string.Join(", ", p.Aliases))}";
            if (p.ValidValues.Count > 0) yield return $"Accepted values: {string.Join(", ", p.ValidValues)}";
            yield return "";
            var (mandatory, position, byValue, byName) = group.Key;
            yield return $"Required: {(mandatory ? "True" : "False")}";
            yield return $"Position: {(position is { } pos ? pos.ToString(System.Globalization.CultureInfo.InvariantCulture) : "Named")}";
            yield return $"Default value: {(p.IsSwitch ? "False" : "None")}";
            var pipe = (byValue, byName) switch
            {
                (true, true) => "True (ByPropertyName, ByValue)",
                (true, false) => "True (ByValue)",
                (false, true) => "True (ByPropertyName)",
                _ => "False",
            };
            yield return $"Accept pipeline input: {pipe}";
            yield return $"Accept wildcard characters: {(p.SupportsWildcards ? "True" : "False")}";
            yield return "";
        }
    }
}
