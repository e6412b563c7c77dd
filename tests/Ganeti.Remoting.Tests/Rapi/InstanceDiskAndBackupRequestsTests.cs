using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.Remoting.Tests.Rapi;

public class InstanceDiskAndBackupRequestsTests
{
    [Fact]
    public void Activate_and_deactivate_disks_are_PUTs_with_Ganeti_query_arguments()
    {
        Assert.Equal("PUT /2/instances/web1/activate-disks?ignore_size=1&reason=fsck",
            RapiRequests.ActivateInstanceDisks("web1", ignoreSize: true, reason: "fsck").ToString());
        Assert.Null(RapiRequests.ActivateInstanceDisks("web1").Body);
        Assert.Equal("PUT /2/instances/web1/deactivate-disks?force=1", RapiRequests.DeactivateInstanceDisks("web1", force: true).ToString());
        Assert.Equal("PUT /2/instances/web1/deactivate-disks", RapiRequests.DeactivateInstanceDisks("web1").ToString());
    }

    [Fact]
    public void Disk_activation_dry_runs_go_as_the_opcode_through_the_jobs_resource()
    {
        var req = RapiRequests.ActivateInstanceDisks("web1", dryRun: true);
        Assert.Equal("POST /2/jobs?dry-run=1", req.ToString());
        Assert.Equal("""[{"OP_ID":"OP_INSTANCE_ACTIVATE_DISKS","instance_name":"web1","ignore_size":false,"dry_run":true}]""",
            req.Body!.ToJsonString());
        var off = RapiRequests.DeactivateInstanceDisks("web1", force: true, dryRun: true);
        Assert.Equal("""[{"OP_ID":"OP_INSTANCE_DEACTIVATE_DISKS","instance_name":"web1","force":true,"dry_run":true}]""",
            off.Body!.ToJsonString());
    }

    [Fact]
    public void Grow_disk_posts_amount_in_MiB_to_the_disk_index()
    {
        var req = RapiRequests.GrowInstanceDisk("web1", 1, 2048, absolute: true, waitForSync: false);
        Assert.Equal("POST /2/instances/web1/disk/1/grow", req.ToString());
        Assert.Equal("""{"amount":2048,"absolute":true,"wait_for_sync":false}""", req.Body!.ToJsonString());
        var dry = RapiRequests.GrowInstanceDisk("web1", 0, 512, dryRun: true);
        Assert.Equal("POST /2/instances/web1/disk/0/grow?dry-run=1", dry.ToString());
        Assert.Equal("""{"amount":512,"dry_run":true}""", dry.Body!.ToJsonString());
        Assert.Throws<ArgumentOutOfRangeException>(() => RapiRequests.GrowInstanceDisk("web1", -1, 1));
    }

    [Fact]
    public void Reinstall_sends_os_osparams_and_start_and_dry_runs_the_reinstall_opcode_alone()
    {
        var req = RapiRequests.ReinstallInstance("web1", "debootstrap+default",
            new Dictionary<string, object?> { ["dhcp"] = "no" }, start: false);
        Assert.Equal("POST /2/instances/web1/reinstall", req.ToString());
        Assert.Equal("""{"start":false,"os":"debootstrap+default","osparams":{"dhcp":"no"}}""", req.Body!.ToJsonString(Ganeti.Core.Json.GanetiJson.Options));
        Assert.Equal("""{"start":true}""", RapiRequests.ReinstallInstance("web1").Body!.ToJsonString());
        var dry = RapiRequests.ReinstallInstance("web1", "noop", dryRun: true);
        Assert.Equal("POST /2/jobs?dry-run=1", dry.ToString());
        Assert.Equal("""[{"OP_ID":"OP_INSTANCE_REINSTALL","instance_name":"web1","os_type":"noop","osparams":null,"dry_run":true}]""",
            dry.Body!.ToJsonString());
    }

    [Fact]
    public void Export_is_a_local_mode_PUT_with_the_destination_node_and_remove_is_a_DELETE()
    {
        var req = RapiRequests.ExportInstance("web1", "node1", shutdown: false, removeInstance: true, shutdownTimeout: 30, dryRun: true);
        Assert.Equal("PUT /2/instances/web1/export?dry-run=1", req.ToString());
        Assert.Equal("""{"mode":"local","destination":"node1","shutdown":false,"remove_instance":true,"shutdown_timeout":30,"dry_run":true}""",
            req.Body!.ToJsonString());
        Assert.Equal("""{"mode":"local","destination":"node1","shutdown":true}""", RapiRequests.ExportInstance("web1", "node1").Body!.ToJsonString());
        Assert.Equal("""{"mode":"local","destination":"node2","shutdown":true,"compress":"gzip-fast"}""",
            RapiRequests.ExportInstance("web1", "node2", compress: "gzip-fast").Body!.ToJsonString());
        Assert.Equal("DELETE /2/instances/web1/export", RapiRequests.RemoveInstanceExport("web1").ToString());
        Assert.Null(RapiRequests.RemoveInstanceExport("web1").Body);
        Assert.Equal("GET /2/instances/web1/console", RapiRequests.GetInstanceConsole("web1").ToString());
    }

    [Fact]
    public void Import_mode_create_body_carries_the_source_node_and_path()
    {
        var spec = new InstanceCreateSpec
        {
            Name = "web2", Mode = "import", SourceNode = "node1", SourcePath = "/srv/ganeti/export/web1",
            DiskTemplate = "file", Disks = [new Dictionary<string, object?> { ["size"] = 1024L }],
        };
        var b = (JsonObject)RapiRequests.CreateInstance(spec).Body!;
        Assert.Equal("import", b["mode"]!.GetValue<string>());
        Assert.Equal("node1", b["src_node"]!.GetValue<string>());
        Assert.Equal("/srv/ganeti/export/web1", b["src_path"]!.GetValue<string>());
        Assert.Null(((JsonObject)RapiRequests.CreateInstance(new InstanceCreateSpec { Name = "x" }).Body!)["src_node"]);
    }

    [Fact]
    public void Activated_disks_are_read_from_node_iv_name_path_triples()
    {
        var devices = GntInstanceDiskDevice.FromResult("web1", JsonNode.Parse("""[["node1","disk/0","/dev/a"],["node1","disk/1","/dev/b"],"junk"]"""));
        Assert.Equal(2, devices.Count);
        Assert.Equal(("node1", "disk/1", "/dev/b"), (devices[1].Node, devices[1].IvName, devices[1].Path));
        Assert.Equal("web1", devices[0].InstanceName);
        Assert.Empty(GntInstanceDiskDevice.FromResult("web1", null));
    }

    [Fact]
    public void Ssh_console_becomes_ssh_arguments_with_each_word_quoted_for_the_remote_shell()
    {
        var console = GntConsole.FromWire("vm1", (JsonObject)JsonNode.Parse("""
            {"instance":"vm1","kind":"ssh","host":"node1","port":null,"user":"root",
             "command":["socat","STDIO,raw,echo=0,escape=0x1d","UNIX-CONNECT:/run/vm 1.serial","it's"],"display":null,"message":null}
            """)!);
        Assert.Equal(["-t", "root@node1", "socat", "STDIO,raw,echo=0,escape=0x1d", "'UNIX-CONNECT:/run/vm 1.serial'", @"'it'\''s'"],
            console.SshArguments());
        Assert.Equal(@"ssh -t root@node1 socat STDIO,raw,echo=0,escape=0x1d ''\''UNIX-CONNECT:/run/vm 1.serial'\''' ''\''it'\''\'\'''\''s'\'''",
            console.CommandLine);
        var withPort = GntConsole.FromWire("vm1", new JsonObject { ["kind"] = "ssh", ["host"] = "n", ["port"] = 2222, ["command"] = new JsonArray("xm") });
        Assert.Equal(["-t", "-p", "2222", "n", "xm"], withPort.SshArguments());
    }

    [Fact]
    public void Vnc_and_message_consoles_are_read_and_have_no_ssh_arguments()
    {
        var vnc = GntConsole.FromWire("vm1", (JsonObject)JsonNode.Parse("""{"instance":"vm1","kind":"vnc","host":"node1","port":5901,"display":1}""")!);
        Assert.Equal(("vnc", "node1", 5901L, 1L), (vnc.Kind, vnc.Host, vnc.Port, vnc.Display));
        Assert.Null(vnc.CommandLine);
        Assert.Throws<InvalidOperationException>(() => vnc.SshArguments());
        var msg = GntConsole.FromWire("vm2", (JsonObject)JsonNode.Parse("""{"kind":"msg","message":"no console"}""")!);
        Assert.Equal(("vm2", "no console"), (msg.InstanceName, msg.Message));
    }

    [Fact]
    public void Export_path_is_read_from_the_masters_log_line()
    {
        GntJobLogEntry Line(long serial, string text) => new() { JobId = 1, Serial = serial, Message = text };
        var log = new[] { Line(1, "Shutting down instance web1 for the export"), Line(2, "Exported web1 to node1:/srv/ganeti/export/web1") };
        Assert.Equal("/srv/ganeti/export/web1", GntExport.PathFromLog(log, "web1"));
        Assert.Null(GntExport.PathFromLog(log, "web2"));
        Assert.Null(GntExport.PathFromLog([], "web1"));
    }
}
