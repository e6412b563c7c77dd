using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;
using Ganeti.Core.Opcodes.Types;

namespace Ganeti.Core.Tests.Opcodes;

public class OpCodeRegistryTests
{
    [Fact]
    public void Registry_holds_exactly_the_opcodes_of_the_spec()
    {
        var specIds = OpcodeSpec.Opcodes.Select(o => (string)o["OP_ID"]!).Order(StringComparer.Ordinal);
        Assert.Equal(specIds, OpCodeRegistry.All.Select(d => d.OpId));
        Assert.Equal(76, OpCodeRegistry.All.Count);
    }

    [Theory]
    [MemberData(nameof(OpcodeSpec.OpIds), MemberType = typeof(OpcodeSpec))]
    public void Opcode_has_the_spec_class_parameters_types_and_defaults(string opId)
    {
        var spec = OpcodeSpec.Opcode(opId);
        Assert.True(OpCodeRegistry.TryGet(opId, out var d));
        Assert.Equal((string)spec["class"]!, d.ClassName);
        Assert.Equal((string)spec["result"]!, d.Result);
        Assert.True(typeof(OpCode).IsAssignableFrom(d.ClrType));
        Assert.Equal(opId, d.ClrType.GetField("Id")!.GetValue(null));

        var specParams = spec["params"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Equal(specParams.Select(p => (string)p["name"]!), d.Parameters.Select(p => p.WireName));
        foreach (var (sp, p) in specParams.Zip(d.Parameters))
        {
            Assert.Equal((string)sp["type"]!, p.Type.Description);
            Assert.Equal(SampleValues.IsRequired(sp), p.IsRequired);
            if (!p.IsRequired)
                Assert.True(JsonNode.DeepEquals(sp["default"], JsonNode.Parse(p.Default!.Value.GetRawText())),
                    $"{opId}.{p.WireName}: default {p.Default} differs from spec {sp["default"]?.ToJsonString() ?? "null"}");
            var property = d.ClrType.GetProperty(p.PropertyName);
            Assert.NotNull(property);
            Assert.Equal(property.PropertyType, p.ClrType);
        }
    }

    [Theory]
    [MemberData(nameof(OpcodeSpec.OpIds), MemberType = typeof(OpcodeSpec))]
    public void Typed_properties_start_with_ganeti_defaults(string opId)
    {
        var spec = OpcodeSpec.Opcode(opId);
        var json = OpCodeSerializer.ToJson(OpCodeSerializer.FromJson(SampleValues.MinimalBody(spec)));
        foreach (var sp in spec["params"]!.AsArray().Select(p => p!.AsObject()).Where(p => !SampleValues.IsRequired(p)))
        {
            var name = (string)sp["name"]!;
            // Ganeti's None for these two means false and 0; the typed properties hold those.
            var expected = name switch
            {
                "dry_run" => JsonValue.Create(false),
                "debug_level" => JsonValue.Create(0),
                _ => sp["default"],
            };
            Assert.True(JsonNode.DeepEquals(expected, json[name]),
                $"{opId}.{name}: {json[name]?.ToJsonString() ?? "null"} instead of {expected?.ToJsonString() ?? "null"}");
        }
    }

    [Fact]
    public void Every_spec_type_description_parses()
    {
        foreach (var p in OpcodeSpec.Opcodes.SelectMany(o => o["params"]!.AsArray()))
            OpParamType.Parse((string)p!["type"]!);
    }

    [Fact]
    public void Registry_finds_by_type_and_rejects_unknown_ids()
    {
        Assert.Same(OpCodeRegistry.Get(OpInstanceCreate.Id), OpCodeRegistry.Get(typeof(OpInstanceCreate)));
        Assert.False(OpCodeRegistry.TryGet("OP_FOO", out _));
    }

    [Theory]
    [InlineData("None or (List of (Tuple of (Integer, Integer)))", "[[1, 2], [3, 4]]", true)]
    [InlineData("None or (List of (Tuple of (Integer, Integer)))", "[[1, 2, 3]]", false)]
    [InlineData("None or (List of (Tuple of (OneOf attach, detach, add, remove, NonEmptyString)))", "[[\"add\", \"debian\"]]", true)]
    [InlineData("None or (List of (Tuple of (OneOf attach, detach, add, remove, NonEmptyString)))", "[[\"hide\", \"debian\"]]", false)]
    [InlineData("None or (String and (IPv4 address))", "\"192.0.2.1\"", true)]
    [InlineData("None or (String and (IPv4 address))", "\"192.0.2\"", false)]
    [InlineData("None or (String and (IPv6 network))", "\"2001:db8::/64\"", true)]
    [InlineData("None or (String and (IPv6 network))", "\"192.0.2.0/24\"", false)]
    [InlineData("None or (Dictionary with keys of (OneOf gluster, diskless, sharedfile, ext, blockdev, file, rbd, plain, drbd) and values of (Dictionary with keys of Anything and values of Anything))", "{\"drbd\": {\"resync-rate\": 1024}}", true)]
    [InlineData("None or (Dictionary with keys of (OneOf gluster, diskless, sharedfile, ext, blockdev, file, rbd, plain, drbd) and values of (Dictionary with keys of Anything and values of Anything))", "{\"zfs\": {}}", false)]
    [InlineData("OneOf 0, 10, -10", "-10", true)]
    [InlineData("OneOf 0, 10, -10", "\"0\"", false)]
    public void Type_descriptions_check_nested_values(string type, string json, bool accepted)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(accepted, OpParamType.Parse(type).Accepts(doc.RootElement));
    }
}
