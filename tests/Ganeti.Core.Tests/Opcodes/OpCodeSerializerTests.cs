using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Core.Tests.Opcodes;

public class OpCodeSerializerTests
{
    [Theory]
    [MemberData(nameof(OpcodeSpec.OpIds), MemberType = typeof(OpcodeSpec))]
    public void Every_opcode_round_trips_through_ganeti_json(string opId)
    {
        var op = OpCodeSerializer.FromJson(SampleValues.MinimalBody(OpcodeSpec.Opcode(opId)));
        Assert.Equal(opId, op.OpId);

        var json = OpCodeSerializer.ToJson(op);
        Assert.Equal(opId, (string)json["OP_ID"]!);
        Assert.Equal(OpcodeSpec.Opcode(opId)["params"]!.AsArray().Count + 1, json.Count);

        var again = OpCodeSerializer.ToJson(OpCodeSerializer.FromJson(json));
        Assert.True(JsonNode.DeepEquals(json, again), $"{json.ToJsonString()}\n!=\n{again.ToJsonString()}");
    }

    [Fact]
    public void Realistic_instance_create_body_parses_into_typed_values()
    {
        const string body = """
            {
              "OP_ID": "OP_INSTANCE_CREATE",
              "__version__": 1,
              "instance_name": "web1.example.com",
              "mode": "create",
              "os_type": "debootstrap+default",
              "disk_template": "drbd",
              "pnode": "node1.example.com",
              "snode": "node2.example.com",
              "disks": [{"size": 10240, "mode": "rw"}, {"size": 2048.0, "vg": "xenvg"}],
              "nics": [{"link": "br0", "mac": "generate"}, {"ip": "192.0.2.10", "network": "net1"}],
              "beparams": {"maxmem": 2048, "minmem": 1024, "vcpus": 2},
              "hvparams": {"kernel_path": "", "boot_order": "disk"},
              "osparams": {},
              "start": true,
              "ip_check": false,
              "name_check": false,
              "wait_for_sync": true,
              "tags": ["web", "prod"],
              "iallocator": null,
              "dry_run": false,
              "priority": 0,
              "reason": [["gnt:client:gnt-instance", "add", 1700000000000000000]]
            }
            """;
        var op = Assert.IsType<OpInstanceCreate>(OpCodeSerializer.FromJson(body));

        Assert.Equal("web1.example.com", op.InstanceName);
        Assert.Equal(OpValues.InstanceCreateMode.Create, op.Mode);
        Assert.Equal(OpValues.DiskTemplate.Drbd, op.DiskTemplate);
        Assert.Equal(2, op.Disks.Count);
        Assert.Equal(10240, op.Disks[0]["size"].GetInt32());
        Assert.Equal("br0", op.Nics[0]["link"].GetString());
        Assert.Equal(2, op.Beparams["vcpus"].GetInt32());
        Assert.Equal(["web", "prod"], op.Tags);
        Assert.True(op.Start);
        Assert.False(op.IpCheck);
        Assert.Null(op.Iallocator);
        Assert.Single(op.Reason!);
        // Defaults fill what the client left out.
        Assert.Equal(120, op.SourceShutdownTimeout);
        Assert.False(op.NoInstall ?? false);
    }

    [Fact]
    public void Dependencies_with_relative_and_absolute_job_ids_parse()
    {
        var op = OpCodeSerializer.FromJson("""
            {"OP_ID": "OP_INSTANCE_STARTUP", "instance_name": "web1",
             "depends": [[-1, ["success"]], [42, ["success", "error", "canceled"]], ["17", []]]}
            """);
        Assert.Equal(3, op.Depends!.Count);
        Assert.Equal(-1, op.Depends[0][0].GetInt32());
        Assert.Equal(42, op.Depends[1][0].GetInt32());
    }

    [Theory]
    [InlineData("[[-1, [\"done\"]]]")]
    [InlineData("[[-1]]")]
    [InlineData("[[\"abc\", [\"success\"]]]")]
    [InlineData("[-1]")]
    public void Malformed_dependencies_are_wrong_input(string depends)
    {
        var e = Reject($$"""{"OP_ID": "OP_INSTANCE_STARTUP", "instance_name": "web1", "depends": {{depends}}}""");
        Assert.Contains("'depends'", e.Message);
    }

    [Fact]
    public void Unknown_opcode_is_wrong_input()
    {
        var e = Reject("""{"OP_ID": "OP_FOO"}""");
        Assert.Equal("Unknown opcode 'OP_FOO'", e.Message);
    }

    [Fact]
    public void Missing_op_id_is_wrong_input()
    {
        var e = Reject("""{"instance_name": "web1"}""");
        Assert.Contains("OP_ID", e.Message);
    }

    [Fact]
    public void Missing_required_parameter_is_named()
    {
        var e = Reject("""{"OP_ID": "OP_INSTANCE_REBOOT", "instance_name": "web1"}""");
        Assert.Contains("'reboot_type'", e.Message);
        Assert.Contains("OP_INSTANCE_REBOOT", e.Message);
    }

    [Fact]
    public void Unknown_parameter_is_named()
    {
        var e = Reject("""{"OP_ID": "OP_INSTANCE_REMOVE", "instance_name": "web1", "force": true}""");
        Assert.Contains("'force'", e.Message);
    }

    [Theory]
    [InlineData("OP_INSTANCE_REMOVE", "ignore_failures", "\"yes\"", "Boolean")]
    [InlineData("OP_INSTANCE_REMOVE", "ignore_failures", "1", "Boolean")]
    [InlineData("OP_INSTANCE_REMOVE", "shutdown_timeout", "-1", "EqualOrGreaterThanZero")]
    [InlineData("OP_INSTANCE_REMOVE", "shutdown_timeout", "12.5", "EqualOrGreaterThanZero")]
    [InlineData("OP_INSTANCE_REMOVE", "shutdown_timeout", "null", "EqualOrGreaterThanZero")]
    [InlineData("OP_INSTANCE_REMOVE", "priority", "5", "OneOf 0, 10, -10")]
    [InlineData("OP_INSTANCE_REMOVE", "dry_run", "\"true\"", "None or Boolean")]
    [InlineData("OP_INSTANCE_REMOVE", "debug_level", "-2", "None or EqualOrGreaterThanZero")]
    [InlineData("OP_INSTANCE_REMOVE", "instance_uuid", "\"\"", "None or NonEmptyString")]
    [InlineData("OP_INSTANCE_REBOOT", "reboot_type", "\"warm\"", "OneOf hard, soft, full")]
    [InlineData("OP_INSTANCE_GROW_DISK", "disk", "16", "Less than 16")]
    [InlineData("OP_INSTANCE_CREATE", "nics", "[{\"link\": 5}]", "NIC parameters")]
    [InlineData("OP_INSTANCE_CREATE", "nics", "[{\"speed\": \"fast\"}]", "NIC parameters")]
    [InlineData("OP_INSTANCE_CREATE", "tags", "[\"\"]", "List of NonEmptyString")]
    [InlineData("OP_NODE_MODIFY_STORAGE", "storage_type", "\"zfs\"", "TStorageType")]
    public void Ill_typed_value_names_parameter_type_and_value(string opId, string param, string value, string typeFragment)
    {
        var body = SampleValues.MinimalBody(OpcodeSpec.Opcode(opId));
        body[param] = JsonNode.Parse(value);
        var e = Reject(body.ToJsonString());
        Assert.Contains($"'{param}'", e.Message);
        Assert.Contains(opId, e.Message);
        Assert.Contains(typeFragment, e.Message);
        Assert.Contains("got " + (JsonNode.Parse(value)?.ToJsonString() ?? "null"), e.Message);
    }

    [Fact]
    public void Integral_floats_are_accepted_for_integers()
    {
        var op = OpCodeSerializer.FromJson<OpInstanceGrowDisk>(Parse(
            """{"OP_ID": "OP_INSTANCE_GROW_DISK", "instance_name": "web1", "disk": 1.0, "amount": 4096.0}"""));
        Assert.Equal(1, op.Disk);
        Assert.Equal(4096L, op.Amount);
        Assert.Equal(4096, OpCodeSerializer.ToJson(op)["amount"]!.GetValue<long>());
    }

    [Fact]
    public void Integer_too_large_for_the_property_is_wrong_input()
    {
        var e = Reject("""{"OP_ID": "OP_INSTANCE_REMOVE", "instance_name": "web1", "shutdown_timeout": 99999999999}""");
        Assert.Contains("'shutdown_timeout'", e.Message);
    }

    [Fact]
    public void Null_common_parameters_read_as_their_neutral_values()
    {
        var op = OpCodeSerializer.FromJson(
            """{"OP_ID": "OP_CLUSTER_VERIFY_DISKS", "dry_run": null, "debug_level": null, "comment": null, "reason": null}""");
        Assert.False(op.DryRun);
        Assert.Equal(0, op.DebugLevel);
        Assert.Null(op.Reason);
    }

    [Fact]
    public void Json_object_input_is_read_like_an_element()
    {
        var op = OpCodeSerializer.FromJson(new JsonObject { ["OP_ID"] = "OP_TEST_DELAY", ["duration"] = 0.5, ["priority"] = -10 });
        var delay = Assert.IsType<OpTestDelay>(op);
        Assert.Equal(0.5, delay.Duration);
        Assert.Equal(-10, delay.Priority);
    }

    [Fact]
    public void Typed_opcode_writes_wire_names_and_common_parameters()
    {
        var op = new OpInstanceShutdown { InstanceName = "web1", Timeout = 30, DryRun = true, Comment = "maintenance" };
        var json = OpCodeSerializer.ToJson(op);
        Assert.Equal("OP_INSTANCE_SHUTDOWN", (string)json["OP_ID"]!);
        Assert.Equal("web1", (string)json["instance_name"]!);
        Assert.Equal(30, (int)json["timeout"]!);
        Assert.True((bool)json["dry_run"]!);
        Assert.Equal("maintenance", (string)json["comment"]!);
        Assert.Equal(0, (int)json["priority"]!);
        Assert.Equal("[]", json["reason"]!.ToJsonString());
    }

    [Fact]
    public void Validate_rejects_bad_values_set_in_code()
    {
        var op = new OpInstanceGrowDisk { InstanceName = "web1", Disk = 16, Amount = 1024 };
        var e = Assert.Throws<GanetiException>(op.Validate);
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
        Assert.Contains("'disk'", e.Message);
        Assert.Contains("got 16", e.Message);

        op.Disk = 0;
        op.Priority = 3;
        Assert.Contains("'priority'", Assert.Throws<GanetiException>(op.Validate).Message);

        op.Priority = 10;
        op.Validate();
    }

    [Fact]
    public void Validate_reports_a_required_value_left_null()
    {
        var op = new OpInstanceRename { InstanceName = "web1", NewName = null! };
        var e = Assert.Throws<GanetiException>(op.Validate);
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
        Assert.Contains("'new_name'", e.Message);
    }

    [Fact]
    public void Job_file_opcode_with_every_parameter_reads_back_the_same()
    {
        // As Ganeti writes opcodes into job files: every slot present, None as null.
        var written = OpCodeSerializer.ToJson(new OpInstanceMigrate { InstanceName = "db1", Mode = OpValues.MigrationMode.Live });
        var text = written.ToJsonString();
        var read = OpCodeSerializer.FromJson(text);
        Assert.Equal(text, OpCodeSerializer.ToJson(read).ToJsonString());
    }

    [Fact]
    public void Non_object_and_invalid_json_are_wrong_input()
    {
        Reject("[1, 2]");
        Reject("{\"OP_ID\": 5}");
        Reject("{not json");
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static GanetiException Reject(string json)
    {
        var e = Assert.Throws<GanetiException>(() => OpCodeSerializer.FromJson(json));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
        return e;
    }
}
