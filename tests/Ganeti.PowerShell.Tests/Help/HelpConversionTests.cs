using System.Xml.Linq;
using Ganeti.HelpGen;
using Ganeti.PowerShell.Tests.Contract;

namespace Ganeti.PowerShell.Tests.Help;

public class HelpConversionTests
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private const string Page = """
        ---
        external help file: Ganeti.PowerShell.dll-Help.xml
        Module Name: GanetiCluster
        schema: 2.0.0
        ---

        # Stop-GntThing

        ## SYNOPSIS
        Stops things (gnt-thing stop).

        ## SYNTAX

        ### ByName (Default)
        ```
        Stop-GntThing [-Name] <String[]>
         [-Force] [<CommonParameters>]
        ```

        ### ById
        ```
        Stop-GntThing -Id <Int64> [<CommonParameters>]
        ```

        ## DESCRIPTION
        First paragraph
        continues here.

        Second paragraph.

        ## EXAMPLES

        ### Example 1: Stop one
        ```powershell
        PS> Stop-GntThing a
        ```

        Stops a.

        ## PARAMETERS

        ### -Name
        The names.

        ```yaml
        Type: String[]
        Parameter Sets: ByName
        Aliases: ThingName, N

        Required: True
        Position: 0
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: True
        ```

        ### -Id
        The id.

        ```yaml
        Type: Int64
        Parameter Sets: ById
        Aliases:
        Accepted values: 1, 2

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Force
        Really.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases:

        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String[]

        ## OUTPUTS

        ### Ganeti.Thing
        A thing.

        ## NOTES
        Be careful.

        ## RELATED LINKS

        [Get-GntThing]()
        """;

    [Fact]
    public void Platyps_pages_parse_into_their_parts()
    {
        var h = MarkdownHelpParser.Parse(Page);
        Assert.Equal("Stop-GntThing", h.Name);
        Assert.Equal("Stops things (gnt-thing stop).", h.Synopsis);
        Assert.Equal("First paragraph continues here.\n\nSecond paragraph.", h.Description);
        Assert.Equal([("ByName", "Stop-GntThing [-Name] <String[]> [-Force] [<CommonParameters>]"), ("ById", "Stop-GntThing -Id <Int64> [<CommonParameters>]")], h.Syntax);
        var ex = Assert.Single(h.Examples);
        Assert.Equal(("Example 1: Stop one", "PS> Stop-GntThing a", "Stops a."), (ex.Title, ex.Code, ex.Remarks));
        Assert.Equal(["Name", "Id", "Force"], h.Parameters.Select(p => p.Name));
        Assert.Equal(["ThingName", "N"], h.Parameters[0].Aliases);
        Assert.True(h.Parameters[0].Wildcards);
        Assert.Equal(["1", "2"], h.Parameters[1].AcceptedValues);
        Assert.True(h.HasCommonParameters);
        Assert.Equal(("Ganeti.Thing", "A thing."), h.Outputs.Single());
        Assert.Equal("Be careful.", h.Notes);
        Assert.Equal(["Get-GntThing"], h.RelatedLinks);
    }

    [Fact]
    public void Maml_has_one_syntax_item_per_parameter_set_and_all_the_parts_Get_Help_shows()
    {
        var doc = MamlWriter.Write([MarkdownHelpParser.Parse(Page)]);
        var cmd = doc.Root!.Element(Command + "command")!;
        Assert.Equal("Stop-GntThing", cmd.Element(Command + "details")!.Element(Command + "name")!.Value);
        Assert.Equal("Stop", cmd.Element(Command + "details")!.Element(Command + "verb")!.Value);
        var items = cmd.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(["Name", "Force"], items[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal(["Id", "Force"], items[1].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        var name = cmd.Element(Command + "parameters")!.Elements(Command + "parameter").First();
        Assert.Equal("true", (string?)name.Attribute("required"));
        Assert.Equal("0", (string?)name.Attribute("position"));
        Assert.Equal("true", (string?)name.Attribute("globbing"));
        Assert.Equal("ThingName, N", (string?)name.Attribute("aliases"));
        var example = cmd.Element(Command + "examples")!.Element(Command + "example")!;
        Assert.Equal("PS> Stop-GntThing a", example.Element(Dev + "code")!.Value);
        Assert.Equal(2, cmd.Element(Maml + "description")!.Elements(Maml + "para").Count());
    }

    [Fact]
    public void The_module_pages_convert_with_every_example()
    {
        var pages = Directory.GetFiles(RepoPaths.Docs, "*-*.md").Select(MarkdownHelpParser.ParseFile).ToList();
        var doc = MamlWriter.Write(pages);
        var commands = doc.Root!.Elements(Command + "command").ToList();
        Assert.Equal(pages.Count, commands.Count);
        Assert.All(commands, c => Assert.NotEmpty(c.Element(Command + "examples")!.Elements()));
    }
}
