using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ganeti.HelpGen;
using Ganeti.PowerShell.Infrastructure;

namespace Ganeti.PowerShell.Tests.Contract;

/// <summary>
/// The module's contract, checked on the built assembly without loading PowerShell: approved
/// verbs, ShouldProcess on changes, declared output types, manifest exports, format views,
/// and help pages that match the cmdlets.
/// </summary>
public sealed class ModuleContractTests : IDisposable
{
    /// <summary>Verbs whose cmdlets do not change the cluster.</summary>
    private static readonly HashSet<string> ReadOnlyVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "Get", "Wait", "Watch", "Receive", "Connect", "Disconnect", "Find", "Search", "Show", "Test", "Measure", "Compare", "Resolve", "Enter",
    };

    private readonly CmdletMetadataReader _reader;
    private readonly IReadOnlyList<CmdletMetadata> _cmdlets;

    public ModuleContractTests()
    {
        _reader = new CmdletMetadataReader(RepoPaths.ModuleAssembly, [CmdletMetadataReader.FindPowerShellStandard() ?? ""]);
        _cmdlets = _reader.ReadCmdlets();
    }

    private Assembly Sma => _reader.LoadReference("System.Management.Automation");

    [Fact]
    public void The_module_has_the_cmdlets_of_issue_3()
    {
        string[] expected =
        [
            "Connect-GntCluster", "Disconnect-GntCluster", "Get-GntCluster", "Get-GntNode", "New-GntInstance", "Get-GntInstance",
            "Start-GntInstance", "Stop-GntInstance", "Restart-GntInstance", "Remove-GntInstance", "Rename-GntInstance", "Get-GntOS",
            "Get-GntJob", "Wait-GntJob", "Watch-GntJob", "Stop-GntJob", "Receive-GntJob", "Add-GntTag", "Remove-GntTag", "Get-GntTag",
        ];
        Assert.Empty(expected.Except(_cmdlets.Select(c => c.Name)));
    }

    [Fact]
    public void Every_verb_is_approved()
    {
        var approved = new[] { "VerbsCommon", "VerbsData", "VerbsLifecycle", "VerbsDiagnostic", "VerbsCommunications", "VerbsSecurity", "VerbsOther" }
            .SelectMany(t => Sma.GetType("System.Management.Automation." + t)!.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Get", approved);
        Assert.Empty(_cmdlets.Where(c => !approved.Contains(c.Verb)).Select(c => c.Name));
    }

    [Fact]
    public void Nouns_carry_the_Gnt_prefix()
    {
        Assert.All(_cmdlets, c => Assert.StartsWith("Gnt", c.Noun, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_state_changing_cmdlet_supports_ShouldProcess()
    {
        var missing = _cmdlets.Where(c => !ReadOnlyVerbs.Contains(c.Verb) && !c.SupportsShouldProcess).Select(c => c.Name);
        Assert.Empty(missing);
    }

    /// <summary>Destructive beyond their verb: a reinstall erases the instance's disks.</summary>
    private static readonly HashSet<string> DestructiveNonRemove = new(StringComparer.Ordinal) { "Install-GntInstanceOS" };

    [Fact]
    public void Only_destructive_cmdlets_have_high_confirm_impact()
    {
        var high = _cmdlets.Where(c => c.SupportsShouldProcess && c.ConfirmImpact == "High").ToList();
        Assert.All(high, c => Assert.True(c.Verb == "Remove" || DestructiveNonRemove.Contains(c.Name), c.Name));
        Assert.Equal("High", _cmdlets.Single(c => c.Name == "Remove-GntInstance").ConfirmImpact);
        Assert.Equal("High", _cmdlets.Single(c => c.Name == "Remove-GntInstanceExport").ConfirmImpact);
        Assert.Equal("High", _cmdlets.Single(c => c.Name == "Install-GntInstanceOS").ConfirmImpact);
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_type()
    {
        Assert.Empty(_cmdlets.Where(c => c.OutputTypes.Count == 0).Select(c => c.Name));
    }

    [Fact]
    public void Output_types_are_module_types_never_PSObject_or_string()
    {
        var bad = _cmdlets.SelectMany(c => c.OutputTypes.Select(t => (c.Name, t)))
            .Where(x => !x.t.StartsWith("Ganeti.", StringComparison.Ordinal)).ToList();
        Assert.Empty(bad);
    }

    [Fact]
    public void Manifest_exports_exactly_the_assembly_cmdlets()
    {
        var text = File.ReadAllText(RepoPaths.Manifest);
        var block = Regex.Match(text, @"CmdletsToExport\s*=\s*@\((?<list>.*?)\)", RegexOptions.Singleline).Groups["list"].Value;
        var exported = Regex.Matches(block, "'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n).ToList();
        Assert.Equal(_cmdlets.Select(c => c.Name).OrderBy(n => n).ToList(), exported);
        Assert.Matches(@"PowerShellVersion\s*=\s*'7\.\d+'", text);
        Assert.Matches(@"CompatiblePSEditions\s*=\s*@\('Core'\)", text);
        Assert.Matches(@"FormatsToProcess\s*=\s*@\('GanetiCluster\.Format\.ps1xml'\)", text);
        Assert.Matches(@"RootModule\s*=\s*'Ganeti\.PowerShell\.dll'", text);
        Assert.Contains("Tags", text);
    }

    [Fact]
    public void Every_output_type_has_a_table_and_a_list_view()
    {
        var doc = XDocument.Load(RepoPaths.FormatFile);
        var views = doc.Descendants("View")
            .Select(v => (Type: v.Element("ViewSelectedBy")?.Element("TypeName")?.Value, Table: v.Element("TableControl") is not null, List: v.Element("ListControl") is not null))
            .ToList();
        var missing = new List<string>();
        foreach (var type in _cmdlets.SelectMany(c => c.OutputTypes).Distinct())
        {
            if (!views.Any(v => v.Type == type && v.Table)) missing.Add(type + " (table)");
            if (!views.Any(v => v.Type == type && v.List)) missing.Add(type + " (list)");
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void Format_views_name_only_properties_the_types_have()
    {
        var doc = XDocument.Load(RepoPaths.FormatFile);
        var problems = new List<string>();
        foreach (var view in doc.Descendants("View"))
        {
            var typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
            var type = _reader.FindType(typeName);
            if (type is null) { problems.Add("unknown type " + typeName); continue; }
            foreach (var prop in view.Descendants("PropertyName").Select(p => p.Value))
                if (type.GetProperty(prop) is null)
                    problems.Add($"{typeName}.{prop}");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_cmdlet_has_a_help_page_with_a_synopsis_naming_Ganeti_and_an_example()
    {
        var problems = new List<string>();
        foreach (var c in _cmdlets)
        {
            var path = Path.Combine(RepoPaths.Docs, c.Name + ".md");
            if (!File.Exists(path)) { problems.Add($"{c.Name}: no page"); continue; }
            var page = MarkdownHelpParser.ParseFile(path);
            if (page.Name != c.Name) problems.Add($"{c.Name}: page is titled {page.Name}");
            if (!page.Synopsis.Contains("gnt-", StringComparison.Ordinal) && !page.Synopsis.Contains("Ganeti", StringComparison.Ordinal)) problems.Add($"{c.Name}: synopsis does not name the Ganeti command");
            if (page.Examples.Count == 0 || page.Examples.Any(e => !e.Code.Contains(c.Name, StringComparison.Ordinal)))
                problems.Add($"{c.Name}: no example, or an example that does not use the cmdlet");
            if (page.Examples.Any(e => e.Remarks.Length == 0)) problems.Add($"{c.Name}: an example without explanation");
            if (page.Description.Length == 0) problems.Add($"{c.Name}: no description");
        }
        var extra = Directory.GetFiles(RepoPaths.Docs, "*-*.md").Select(Path.GetFileNameWithoutExtension)
            .Except(_cmdlets.Select(c => c.Name)).Select(n => $"{n}: page for a cmdlet that does not exist");
        problems.AddRange(extra!);
        Assert.Empty(problems);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Docs, "about_GanetiCluster.help.txt")));
    }

    [Fact]
    public void Help_page_parameters_match_the_cmdlet_parameters()
    {
        var problems = new List<string>();
        foreach (var c in _cmdlets)
        {
            var path = Path.Combine(RepoPaths.Docs, c.Name + ".md");
            if (!File.Exists(path)) continue;
            var page = MarkdownHelpParser.ParseFile(path);
            var actual = c.Parameters.Concat(ScaffoldWriter.ShouldProcessParameters(c)).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            var documented = page.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var name in actual.Keys.Except(documented.Keys, StringComparer.OrdinalIgnoreCase))
                problems.Add($"{c.Name}: -{name} is not documented");
            foreach (var name in documented.Keys.Except(actual.Keys, StringComparer.OrdinalIgnoreCase))
                problems.Add($"{c.Name}: documents -{name}, which the cmdlet does not have");
            foreach (var (name, p) in actual)
            {
                if (!documented.TryGetValue(name, out var d)) continue;
                if (d.Type != p.TypeName) problems.Add($"{c.Name}: -{name} is {p.TypeName}, documented as {d.Type}");
                if (d.Description.Length == 0) problems.Add($"{c.Name}: -{name} has no description");
                var mandatory = p.Sets.Any(s => s.Mandatory) && p.Sets.All(s => s.Mandatory);
                if (mandatory != d.Required) problems.Add($"{c.Name}: -{name} Required differs");
                if (!p.Aliases.OrderBy(a => a).SequenceEqual(d.Aliases.OrderBy(a => a))) problems.Add($"{c.Name}: -{name} aliases differ");
            }
            if (!page.HasCommonParameters) problems.Add($"{c.Name}: no CommonParameters section");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Error_categories_used_by_the_error_map_exist_in_PowerShell()
    {
        var names = Sma.GetType("System.Management.Automation.ErrorCategory")!.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.Name).ToHashSet();
        var used = GntErrorMap.ByEcode.Values.Select(v => v.Category)
            .Concat(["ConnectionError", "SecurityError", "AuthenticationError", "PermissionDenied", "OperationTimeout", "ObjectNotFound",
                "InvalidArgument", "NotImplemented", "ResourceBusy", "ResourceUnavailable", "ProtocolError", "NotSpecified",
                "OperationStopped", "InvalidOperation", "InvalidType"]);
        var unknown = used.Where(u => !names.Contains(u)).ToList();
        Assert.True(unknown.Count == 0, "unknown categories: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Identity_parameters_bind_from_the_pipeline_by_property_name()
    {
        foreach (var name in new[] { "Start-GntInstance", "Stop-GntInstance", "Restart-GntInstance", "Remove-GntInstance", "Rename-GntInstance", "New-GntInstance", "Get-GntInstance",
                     "Mount-GntInstanceDisk", "Dismount-GntInstanceDisk", "Resize-GntInstanceDisk", "Install-GntInstanceOS",
                     "Export-GntInstance", "Import-GntInstance", "Remove-GntInstanceExport", "Get-GntInstanceConsole",
                     "Enter-GntInstanceConsole" })
        {
            var p = _cmdlets.Single(c => c.Name == name).Parameters.Single(x => x.Name == "Name");
            Assert.True(p.Sets.All(s => s.ByPropertyName), name);
            Assert.Contains("InstanceName", p.Aliases);
        }
        foreach (var name in new[] { "Wait-GntJob", "Stop-GntJob", "Receive-GntJob", "Get-GntJob", "Watch-GntJob" })
        {
            var p = _cmdlets.Single(c => c.Name == name).Parameters.Single(x => x.Name == "Id");
            Assert.True(p.Sets.All(s => s.ByPropertyName), name);
            Assert.Contains("JobId", p.Aliases);
        }
    }

    [Fact]
    public void Group_cmdlets_take_group_names_from_the_pipeline_and_Move_GntNode_takes_nodes()
    {
        foreach (var name in new[] { "Get-GntGroup", "New-GntGroup", "Set-GntGroup", "Rename-GntGroup", "Remove-GntGroup", "Invoke-GntGroupEvacuation" })
        {
            var p = _cmdlets.Single(c => c.Name == name).Parameters.Single(x => x.Name == "Name");
            Assert.True(p.Sets.All(s => s.ByPropertyName), name);
            Assert.Contains("GroupName", p.Aliases);
        }
        var move = _cmdlets.Single(c => c.Name == "Move-GntNode");
        var nodes = move.Parameters.Single(x => x.Name == "Name");
        Assert.True(nodes.Sets.All(s => s.ByPropertyName && s.ByValue));
        Assert.Contains("NodeName", nodes.Aliases);
        var group = move.Parameters.Single(x => x.Name == "Group");
        Assert.True(group.Sets.All(s => s.Mandatory && !s.ByPropertyName && !s.ByValue), "-Group must not bind a piped node's properties");
        Assert.Equal("High", _cmdlets.Single(c => c.Name == "Remove-GntGroup").ConfirmImpact);
        Assert.All(_cmdlets.Where(c => c.Noun == "GntGroup" && c.Verb != "Get" || c.Name is "Move-GntNode" or "Invoke-GntGroupEvacuation"),
            c => Assert.Contains(c.Parameters, p => p.Name == "NoWait"));
    }

    [Fact]
    public void Every_cmdlet_but_Connect_takes_a_Connection()
    {
        Assert.All(_cmdlets.Where(c => c.Name != "Connect-GntCluster"), c => Assert.Contains(c.Parameters, p => p.Name == "Connection"));
        Assert.DoesNotContain(_cmdlets.Single(c => c.Name == "Connect-GntCluster").Parameters, p => p.Name == "Connection");
    }

    public void Dispose() => _reader.Dispose();
}
