using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.Remoting.Tests.Rapi;

public class RapiRequestsTests
{
    [Fact]
    public void Listings_use_bulk_1_only_when_asked()
    {
        Assert.Equal("GET /2/instances?bulk=1", RapiRequests.GetInstances(true).ToString());
        Assert.Equal("GET /2/instances", RapiRequests.GetInstances(false).ToString());
        Assert.Equal("GET /2/nodes?bulk=1", RapiRequests.GetNodes(true).ToString());
        Assert.Equal("GET /2/jobs?bulk=1", RapiRequests.GetJobs(true).ToString());
        Assert.Equal("GET /version", RapiRequests.GetVersion().ToString());
        Assert.Equal("GET /2/info", RapiRequests.GetInfo().ToString());
        Assert.Equal("GET /2/features", RapiRequests.GetFeatures().ToString());
        Assert.Equal("GET /2/os", RapiRequests.GetOperatingSystems().ToString());
    }

    [Fact]
    public void Instance_actions_use_Ganeti_methods_paths_and_query_arguments()
    {
        Assert.Equal("PUT /2/instances/web1/startup?dry-run=1&no_remember=1&reason=maintenance",
            RapiRequests.StartupInstance("web1", dryRun: true, reason: "maintenance", noRemember: true).ToString());
        var shutdown = RapiRequests.ShutdownInstance("web1", timeout: 30);
        Assert.Equal("PUT /2/instances/web1/shutdown", shutdown.ToString());
        Assert.Equal(30, shutdown.Body!["timeout"]!.GetValue<int>());
        Assert.Equal("POST /2/instances/web1/reboot?type=hard&ignore_secondaries=0",
            RapiRequests.RebootInstance("web1", type: RebootType.Hard, ignoreSecondaries: false).ToString());
        var rename = RapiRequests.RenameInstance("web1", "web2", dryRun: true, nameCheck: false);
        Assert.Equal("PUT /2/instances/web1/rename?dry-run=1", rename.ToString());
        Assert.Equal("""{"new_name":"web2","name_check":false}""", rename.Body!.ToJsonString());
        Assert.Equal("DELETE /2/instances/web1?dry-run=1", RapiRequests.DeleteInstance("web1", dryRun: true).ToString());
        Assert.Null(RapiRequests.DeleteInstance("web1").Body);
        Assert.Equal("GET /2/instances/web1/info?static=1", RapiRequests.GetInstanceInfo("web1", true).ToString());
    }

    [Fact]
    public void Migrate_failover_and_move_send_the_opcode_parameters_as_the_body()
    {
        var migrate = RapiRequests.MigrateInstance("web1", new InstanceMigrateOptions { Live = false, TargetNode = "node2", Cleanup = true },
            dryRun: true);
        Assert.Equal("PUT /2/instances/web1/migrate?dry-run=1", migrate.ToString());
        Assert.Equal("""{"mode":"non-live","target_node":"node2","cleanup":true}""", migrate.Body!.ToJsonString());
        Assert.Equal("{}", RapiRequests.MigrateInstance("web1", new InstanceMigrateOptions()).Body!.ToJsonString());
        var failover = RapiRequests.FailoverInstance("web1",
            new InstanceFailoverOptions { Iallocator = "hail", IgnoreConsistency = true, ShutdownTimeout = 30 }, reason: "rack3");
        Assert.Equal("PUT /2/instances/web1/failover?reason=rack3", failover.ToString());
        Assert.Equal("""{"iallocator":"hail","ignore_consistency":true,"shutdown_timeout":30}""", failover.Body!.ToJsonString());
        // Ganeti's Remote API has no move resource: the opcode goes as a job.
        var move = RapiRequests.MoveInstance("web1", new InstanceMoveOptions { TargetNode = "node3", Compress = "gzip" }, dryRun: true);
        Assert.Equal("POST /2/jobs?dry-run=1", move.ToString());
        var op = move.Body![0]!;
        Assert.Equal("OP_INSTANCE_MOVE", op["OP_ID"]!.GetValue<string>());
        Assert.Equal("web1", op["instance_name"]!.GetValue<string>());
        Assert.Equal("node3", op["target_node"]!.GetValue<string>());
        Assert.Equal("gzip", op["compress"]!.GetValue<string>());
        Assert.True(op["dry_run"]!.GetValue<bool>());
    }

    [Fact]
    public void Names_are_escaped_as_one_path_segment()
    {
        Assert.Equal("/2/instances/a%2Fb%20c", RapiRequests.GetInstance("a/b c").Path);
    }

    [Fact]
    public void Instance_create_body_is_request_version_1_with_opcode_names()
    {
        var spec = new InstanceCreateSpec
        {
            Name = "web1",
            OS = "debootstrap+default",
            DiskTemplate = "file",
            Disks = [new Dictionary<string, object?> { ["size"] = 1024L }],
            Nics = [new Dictionary<string, object?>()],
            MemoryMB = 512,
            VCpus = 2,
            PrimaryNode = "node1",
            Start = false,
            NameCheck = false,
            Tags = ["env:prod"],
        };
        var req = RapiRequests.CreateInstance(spec, dryRun: true);
        Assert.Equal("POST /2/instances?dry-run=1", req.ToString());
        var b = (JsonObject)req.Body!;
        Assert.Equal(1, b["__version__"]!.GetValue<int>());
        Assert.Equal("create", b["mode"]!.GetValue<string>());
        Assert.Equal("web1", b["instance_name"]!.GetValue<string>());
        Assert.Equal("debootstrap+default", b["os_type"]!.GetValue<string>());
        Assert.Equal("file", b["disk_template"]!.GetValue<string>());
        Assert.Equal("""[{"size":1024}]""", b["disks"]!.ToJsonString());
        Assert.Equal("[{}]", b["nics"]!.ToJsonString());
        Assert.Equal("""{"maxmem":512,"minmem":512,"vcpus":2}""", b["beparams"]!.ToJsonString());
        Assert.Equal("node1", b["pnode"]!.GetValue<string>());
        Assert.False(b["start"]!.GetValue<bool>());
        Assert.False(b["name_check"]!.GetValue<bool>());
        Assert.Null(b["ip_check"]);
        Assert.Equal("""["env:prod"]""", b["tags"]!.ToJsonString());
    }

    [Fact]
    public void Tags_travel_in_the_query_for_every_kind()
    {
        Assert.Equal("PUT /2/tags?tag=a&tag=b%20c&dry-run=1", RapiRequests.AddTags(GntTagKind.Cluster, null, ["a", "b c"], true).ToString());
        Assert.Equal("DELETE /2/instances/web1/tags?tag=a", RapiRequests.DeleteTags(GntTagKind.Instance, "web1", ["a"]).ToString());
        Assert.Equal("GET /2/nodes/n1/tags", RapiRequests.GetTags(GntTagKind.Node, "n1").ToString());
        Assert.Equal("GET /2/groups/default/tags", RapiRequests.GetTags(GntTagKind.Group, "default").ToString());
        Assert.Throws<ArgumentException>(() => RapiRequests.AddTags(GntTagKind.Instance, "web1", []));
        Assert.Throws<ArgumentException>(() => RapiRequests.GetTags(GntTagKind.Instance, null));
    }

    [Fact]
    public void Job_requests_match_Ganeti()
    {
        Assert.Equal("GET /2/jobs/17", RapiRequests.GetJob(17).ToString());
        Assert.Equal("DELETE /2/jobs/17", RapiRequests.CancelJob(17).ToString());
        var wait = RapiRequests.WaitForJobChange(17, ["status"], null, null);
        Assert.Equal("GET /2/jobs/17/wait", wait.ToString());
        Assert.True(wait.IsLongPoll);
        Assert.Equal("""{"fields":["status"],"previous_job_info":null,"previous_log_serial":null}""", wait.Body!.ToJsonString());
        var again = RapiRequests.WaitForJobChange(17, ["status"], new JsonArray("running"), 4);
        Assert.Equal("""{"fields":["status"],"previous_job_info":["running"],"previous_log_serial":4}""", again.Body!.ToJsonString());
    }

    [Fact]
    public void Submitted_opcodes_carry_dry_run_when_asked()
    {
        var op = new JsonObject { ["OP_ID"] = "OP_TEST_DELAY", ["duration"] = 0 };
        var req = RapiRequests.SubmitJob([op], dryRun: true);
        Assert.Equal("POST /2/jobs?dry-run=1", req.ToString());
        Assert.Equal("""[{"OP_ID":"OP_TEST_DELAY","duration":0,"dry_run":true}]""", req.Body!.ToJsonString());
        Assert.Null(op["dry_run"]);
        Assert.Throws<ArgumentException>(() => RapiRequests.SubmitJob([new JsonObject { ["duration"] = 1 }]));
    }

    [Fact]
    public void Query_requests_join_fields_with_commas()
    {
        Assert.Equal("GET /2/query/instance?fields=name%2Cstatus", RapiRequests.Query("instance", ["name", "status"]).ToString());
        Assert.Equal("GET /2/query/node/fields", RapiRequests.QueryFields("node").ToString());
    }

    [Theory]
    [InlineData("master", "master", null)]
    [InlineData("master:5081", "master", 5081)]
    [InlineData("https://master.example.com:9000/", "master.example.com", 9000)]
    [InlineData("[::1]:5080", "::1", 5080)]
    [InlineData("::1", "::1", null)]
    public void Server_strings_parse_to_host_and_port(string server, string host, int? port)
    {
        Assert.Equal((host, port), RapiClientOptions.ParseServer(server));
    }

    [Fact]
    public void Node_migrate_posts_Ganetis_body_to_the_nodes_migrate_resource()
    {
        var request = RapiRequests.MigrateNode("node3", live: false, targetNode: "node4", allowRuntimeChanges: false, ignoreIpolicy: true,
            dryRun: true, reason: "kernel update");
        Assert.Equal("POST /2/nodes/node3/migrate?dry-run=1&reason=kernel%20update", request.ToString());
        Assert.Equal("""{"mode":"non-live","target_node":"node4","allow_runtime_changes":false,"ignore_ipolicy":true}""",
            request.Body!.ToJsonString());
        Assert.Equal("""{"mode":"live","iallocator":"hail"}""", RapiRequests.MigrateNode("node3", live: true, iallocator: "hail").Body!.ToJsonString());
        Assert.Equal("{}", RapiRequests.MigrateNode("node3").Body!.ToJsonString());
    }
}
