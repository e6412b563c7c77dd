namespace Ganeti.HelpGen;

/// <summary>One cmdlet's help page, as read from platyPS-format markdown.</summary>
public sealed class CmdletHelp
{
    public string Name { get; set; } = "";
    public string Synopsis { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>Parameter set name → syntax line.</summary>
    public List<(string SetName, string Line)> Syntax { get; } = [];
    public List<HelpExample> Examples { get; } = [];
    public List<HelpParameter> Parameters { get; } = [];
    public List<(string Type, string Description)> Inputs { get; } = [];
    public List<(string Type, string Description)> Outputs { get; } = [];
    public string Notes { get; set; } = "";
    public List<string> RelatedLinks { get; } = [];
    public bool HasCommonParameters { get; set; }

    public string Verb => Name.Split('-', 2)[0];
    public string Noun => Name.Split('-', 2).ElementAtOrDefault(1) ?? "";
}

public sealed record HelpExample(string Title, string Code, string Remarks);

public sealed class HelpParameter
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public Dictionary<string, string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string Type => Fields.GetValueOrDefault("Type", "Object");
    public IReadOnlyList<string> Sets => Split(Fields.GetValueOrDefault("Parameter Sets", "(All)"));
    public IReadOnlyList<string> Aliases => Fields.GetValueOrDefault("Aliases", "") is "" or "None" ? [] : Split(Fields["Aliases"]);
    public bool Required => Fields.GetValueOrDefault("Required", "False").StartsWith("True", StringComparison.OrdinalIgnoreCase);
    public string Position => Fields.GetValueOrDefault("Position", "Named");
    public string DefaultValue => Fields.GetValueOrDefault("Default value", "None");
    public string PipelineInput => Fields.GetValueOrDefault("Accept pipeline input", "False");
    public bool Wildcards => Fields.GetValueOrDefault("Accept wildcard characters", "False").StartsWith("True", StringComparison.OrdinalIgnoreCase);
    public IReadOnlyList<string> AcceptedValues => Fields.TryGetValue("Accepted values", out var v) ? Split(v) : [];

    private static List<string> Split(string s) => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}
