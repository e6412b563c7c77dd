using System.Xml.Linq;

namespace Ganeti.HelpGen;

/// <summary>Writes cmdlet help as MAML, the XML Get-Help reads from en-US/&lt;Assembly&gt;.dll-Help.xml.</summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CmdletHelp> pages)
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"));
        foreach (var page in pages.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            root.Add(CommandElement(page));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static XElement CommandElement(CmdletHelp h)
    {
        var cmd = new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", h.Name),
                new XElement(Command + "verb", h.Verb),
                new XElement(Command + "noun", h.Noun),
                Description(h.Synopsis)),
            Description(h.Description));

        var syntax = new XElement(Command + "syntax");
        var sets = h.Syntax.Count > 0 ? h.Syntax.Select(s => s.SetName).ToList() : ["(All)"];
        foreach (var set in sets)
        {
            var item = new XElement(Command + "syntaxItem", new XElement(Maml + "name", h.Name));
            foreach (var p in h.Parameters.Where(p => sets.Count == 1 || p.Sets.Contains("(All)") || p.Sets.Contains(set)))
                item.Add(Parameter(p));
            syntax.Add(item);
        }
        cmd.Add(syntax);
        cmd.Add(new XElement(Command + "parameters", h.Parameters.Select(Parameter)));
        cmd.Add(new XElement(Command + "inputTypes", h.Inputs.Select(i =>
            new XElement(Command + "inputType", new XElement(Dev + "type", new XElement(Maml + "name", i.Type)), Description(i.Description)))));
        cmd.Add(new XElement(Command + "returnValues", h.Outputs.Select(o =>
            new XElement(Command + "returnValue", new XElement(Dev + "type", new XElement(Maml + "name", o.Type)), Description(o.Description)))));
        cmd.Add(new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(h.Notes))));
        cmd.Add(new XElement(Command + "examples", h.Examples.Select(e =>
            new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                new XElement(Dev + "code", e.Code),
                new XElement(Dev + "remarks", Paras(e.Remarks))))));
        cmd.Add(new XElement(Command + "relatedLinks", h.RelatedLinks.Select(l =>
            new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l), new XElement(Maml + "uri")))));
        return cmd;
    }

    private static XElement Parameter(HelpParameter p)
    {
        var position = p.Position.Equals("Named", StringComparison.OrdinalIgnoreCase) ? "named" : p.Position;
        var isSwitch = p.Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
        var e = new XElement(Command + "parameter",
            new XAttribute("required", p.Required ? "true" : "false"),
            new XAttribute("variableLength", p.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", p.Wildcards ? "true" : "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", position),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            Description(p.Description));
        if (p.AcceptedValues.Count > 0)
            e.Add(new XElement(Command + "parameterValueGroup", p.AcceptedValues.Select(v =>
                new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        if (!isSwitch)
            e.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), p.Type));
        e.Add(new XElement(Dev + "type", new XElement(Maml + "name", p.Type)));
        e.Add(new XElement(Dev + "defaultValue", p.DefaultValue));
        return e;
    }

    private static XElement Description(string text) => new(Maml + "description", Paras(text));

    private static IEnumerable<XElement> Paras(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(p => new XElement(Maml + "para", p.Trim()));
}
