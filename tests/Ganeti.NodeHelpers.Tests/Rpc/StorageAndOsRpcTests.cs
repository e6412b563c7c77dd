using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.NodeHelpers.Rpc;
using Ganeti.NodeHelpers.Tests.Os;
using Ganeti.NodeHelpers.Tests.TestSupport;

namespace Ganeti.NodeHelpers.Tests.Rpc;

/// <summary>The procedures as the master calls them: JSON in, JSON out.</summary>
public sealed class StorageAndOsRpcTests : OsTestBase
{
    private readonly NodeRpcDispatcher dispatcher = new();

    public StorageAndOsRpcTests()
    {
        StorageRpc.Register(dispatcher, Root.Context);
        OsRpc.Register(dispatcher, Root.Context);
        TestOs.WriteApi20(SearchDir);
    }

    private Task<JsonNode?> Call(string procedure, string json) => dispatcher.DispatchAsync(procedure, JsonNode.Parse(json), default);

    private string DiskJson(string path, long size = 8) =>
        $$"""{"uuid":"d-1","dev_type":"file","logical_id":["loop","{{path}}"],"size_mi_b":{{size}},"mode":"rw","index":0}""";

    [Fact]
    public async Task Blockdev_create_assemble_grow_rename_shutdown_remove_round_trip()
    {
        var dir = Path.Combine(Root.FileStorageDir, "web1.example.com");
        var path = Path.Combine(dir, "d-1.file.disk0");
        var created = await Call("blockdev_create",
            $$"""{"disk":{{DiskJson(path)}},"instance_name":"web1.example.com","size_mib":8,"on_primary":true,"wipe":true}""");
        Assert.Equal(path, (string?)created!["path"]);
        Assert.Null(created["uri"]);
        Assert.Equal("raw", (string?)created["format"]);
        Assert.Equal(8L << 20, new FileInfo(path).Length);

        var assembled = await Call("blockdev_assemble", $$"""{"disk":{{DiskJson(path)}},"instance_name":"web1.example.com","on_primary":true}""");
        Assert.Equal(path, (string?)assembled!["path"]);

        Assert.Null(await Call("blockdev_grow", $$"""{"disk":{{DiskJson(path)}},"amount_mib":8,"dry_run":false}"""));
        Assert.Equal(16L << 20, new FileInfo(path).Length);

        var newPath = Path.Combine(Root.FileStorageDir, "web2.example.com", "d-1.file.disk0");
        Assert.Null(await Call("blockdev_rename", $$"""{"disk":{{DiskJson(path)}},"new_logical_id":["loop","{{newPath}}"]}"""));
        Assert.True(File.Exists(newPath));

        var status = await Call("blockdev_getmirrorstatus", $$"""{"disks":[{{DiskJson(newPath)}}]}""");
        Assert.Equal("""[{"sync_percent":null,"estimated_time":null,"is_degraded":false,"ldisk_status":"ok"}]""", status!.ToJsonString());

        Assert.Null(await Call("blockdev_shutdown", $$"""{"disk":{{DiskJson(newPath)}}}"""));
        Assert.Null(await Call("blockdev_remove", $$"""{"disk":{{DiskJson(newPath)}}}"""));
        Assert.Null(await Call("blockdev_remove", $$"""{"disk":{{DiskJson(newPath)}}}"""));
        Assert.False(File.Exists(newPath));

        var space = await Call(StorageRpc.StorageSpace, $$"""{"units":[{"type":"file","key":"{{Root.FileStorageDir}}"}]}""");
        Assert.Equal("file", (string?)space![0]!["type"]);
        Assert.True((long)space[0]!["storage_free"]! > 0);
    }

    [Fact]
    public async Task Blockdev_create_outside_the_allowed_paths_fails_with_a_wire_error()
    {
        var e = await Assert.ThrowsAsync<GanetiException>(() => Call("blockdev_create",
            $$"""{"disk":{{DiskJson("/etc/evil.disk")}},"instance_name":"x","size_mib":8,"on_primary":true}"""));
        Assert.Equal("OpPrereqError", e.ErrorClass);
        Assert.False(File.Exists("/etc/evil.disk"));
    }

    [Fact]
    public async Task Os_diagnose_and_os_get_answer_in_ganetis_shape()
    {
        var all = (JsonArray)(await Call("os_diagnose", "{}"))!;
        var noop = all.Single(o => (string?)o!["name"] == "noop")!.AsObject();
        // The script checksum is an extension after Ganeti's fields.
        Assert.Matches("^[0-9a-f]{64}$", noop["checksum"]!.GetValue<string>());
        noop.Remove("checksum");
        Assert.Equal(
            """{"name":"noop","path":"/usr/share/ganeti/os/noop","status":true,"diagnose":"","variants":[],"parameters":[],"api_versions":[5,10],"trusted":true}""",
            noop.ToJsonString());
        var testos = await Call("os_get", """{"name":"testos+minimal"}""");
        Assert.Equal("""["default","minimal","broken"]""", testos!["variants"]!.ToJsonString());
        Assert.Equal("""[["dhcp","Whether the instance uses DHCP"],["root-password","The initial root password"]]""", testos["parameters"]!.ToJsonString());
        Assert.Equal("[20,15]", testos["api_versions"]!.ToJsonString());
        await Assert.ThrowsAsync<GanetiException>(() => Call("os_get", """{"name":"nosuch"}"""));
        Assert.Equal("true", (await Call("os_validate", """{"required":true,"name":"testos","checks":["parameters"],"osparams":{"dhcp":"yes"}}"""))!.ToJsonString());
    }

    [Fact]
    public async Task Instance_os_add_and_instance_run_rename_return_their_log_files()
    {
        var disk = NewDisk(2);
        var instance = GanetiJson.ToNode(Instances.With("noop", disk))!.ToJsonString();
        var added = await Call("instance_os_add", $$"""{"instance":{{instance}},"reinstall":false,"debug":0}""");
        Assert.True(File.Exists((string?)added!["log_file"]));
        var renamed = await Call("instance_run_rename", $$"""{"instance":{{instance}},"old_name":"old.example.com","debug":0}""");
        Assert.Contains("rename-noop-old.example.com-inst1.example.com-", (string?)renamed!["log_file"]);
    }

    [Fact]
    public async Task Blockdev_find_answers_null_for_a_missing_disk_and_snapshot_is_refused_for_file_disks()
    {
        var path = Path.Combine(Root.FileStorageDir, "f.example.com", "d.file.disk0");
        Assert.Null(await Call("blockdev_find", $$"""{"disk":{{DiskJson(path)}}}"""));
        await Call("blockdev_create", $$"""{"disk":{{DiskJson(path)}},"instance_name":"f","size_mib":4,"on_primary":true}""");
        Assert.Equal(path, (string?)(await Call("blockdev_find", $$"""{"disk":{{DiskJson(path)}}}"""))!["path"]);
        Assert.Null(await Call("blockdev_setinfo", $$"""{"disk":{{DiskJson(path)}},"info":"originstname+f"}"""));
        await Assert.ThrowsAsync<GanetiException>(() => Call("blockdev_snapshot", $$"""{"disk":{{DiskJson(path)}},"snap_name":"s"}"""));
        await Assert.ThrowsAsync<GanetiException>(() => Call("blockdev_create",
            """{"disk":{"uuid":"x","dev_type":"diskless"},"instance_name":"f","size_mib":4,"on_primary":true}"""));
    }
}
