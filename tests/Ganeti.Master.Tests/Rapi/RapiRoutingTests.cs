using System.Net;
using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;

namespace Ganeti.Master.Tests.Rapi;

public sealed class RapiRoutingTests(RapiFixture fixture) : IClassFixture<RapiFixture>
{
    private RapiTestServer S => fixture.Server;

    private static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public async Task Version_is_2()
    {
        var (status, json, response) = await S.GetAsync("/version");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, json!.GetValue<int>());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/2")]
    public async Task Root_resources_answer_null(string path)
    {
        var (status, json, _) = await S.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(json);
    }

    [Fact]
    public async Task Features_lists_the_four_ganeti_features()
    {
        var (_, json, _) = await S.GetAsync("/2/features");
        Assert.Equal(["instance-create-reqv1", "instance-reinstall-reqv1", "node-evac-res1", "node-migrate-reqv1"],
            json!.AsArray().Select(x => x!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Info_adds_ganeti_aliases()
    {
        var (_, json, _) = await S.GetAsync("/2/info");
        Assert.Equal("cluster.example.com", json!["name"]!.GetValue<string>());
        Assert.Equal("xenvg", json["vg_name"]!.GetValue<string>());
        Assert.Equal("/bin/true", json["drbd_helper"]!.GetValue<string>());
    }

    [Fact]
    public async Task Os_runs_diagnose_and_lists_variants()
    {
        var (status, json, _) = await S.GetAsync("/2/os");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["debootstrap+bookworm", "debootstrap+trixie", "noop"], json!.AsArray().Select(x => x!.GetValue<string>()));
        OpAssert.Equal(J("""{"OP_ID":"OP_OS_DIAGNOSE","output_fields":["name","variants"],"names":[]}"""), S.LastOp(), null);
    }

    [Fact]
    public async Task Jobs_list_ids_and_uris_sorted()
    {
        var a = S.Master.AddJob();
        var b = S.Master.AddJob();
        var (_, json, _) = await S.GetAsync("/2/jobs");
        var list = json!.AsArray();
        Assert.Contains(list, x => x!["id"]!.GetValue<long>() == a.Id && x["uri"]!.GetValue<string>() == $"/2/jobs/{a.Id}");
        var ids = list.Select(x => x!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Contains(b.Id, ids);
    }

    [Fact]
    public async Task Jobs_bulk_has_exactly_the_bulk_fields()
    {
        S.Master.AddJob();
        var (_, json, _) = await S.GetAsync("/2/jobs?bulk=1");
        var first = json!.AsArray()[0]!.AsObject();
        Assert.Equal(["id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts"], first.Select(kv => kv.Key));
    }

    [Fact]
    public async Task Job_has_all_fields_with_ganeti_shapes()
    {
        var job = S.Master.AddJob();
        var (status, json, _) = await S.GetAsync($"/2/jobs/{job.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        var o = json!.AsObject();
        Assert.Equal(["id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts", "oplog", "opresult"], o.Select(kv => kv.Key));
        Assert.Equal(job.Id, o["id"]!.GetValue<long>());
        Assert.Equal("success", o["status"]!.GetValue<string>());
        Assert.Equal("TEST_DELAY(0)", o["summary"]![0]!.GetValue<string>());
        Assert.Equal("[1700000000,1]", o["received_ts"]!.ToJsonString());
        Assert.Equal("""[[[1,[1700000001,500],"message","delaying"]]]""", o["oplog"]!.ToJsonString());
        Assert.Equal("[true]", o["opresult"]!.ToJsonString());
    }

    [Fact]
    public async Task Unknown_job_is_404()
    {
        var (status, json, _) = await S.GetAsync("/2/jobs/999999");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, json!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Delete_job_cancels_and_answers_success_and_message()
    {
        var job = S.Master.AddJob(JobStatus.Queued);
        var (status, json, _) = await S.SendAsync("DELETE", $"/2/jobs/{job.Id}", auth: RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"""[true,"Job {job.Id} will be canceled"]""", json!.ToJsonString());
        Assert.Contains(job.Id, S.Master.Canceled);
    }

    [Fact]
    public async Task Wait_answers_job_info_and_new_log_entries()
    {
        var job = S.Master.AddJob();
        var (status, json, _) = await S.SendAsync("GET", $"/2/jobs/{job.Id}/wait",
            new { fields = new[] { "status" }, previous_job_info = (object?)null, previous_log_serial = (object?)null }, RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""["success"]""", json!["job_info"]!.ToJsonString());
        Assert.Equal("""[[1,[1700000001,500],"message","delaying"]]""", json["log_entries"]!.ToJsonString());
    }

    [Fact]
    public async Task Wait_answers_null_when_nothing_changed()
    {
        var job = S.Master.AddJob(JobStatus.Running);
        var (status, json, _) = await S.SendAsync("GET", $"/2/jobs/{job.Id}/wait",
            new { fields = new[] { "status" }, previous_job_info = new[] { "running" }, previous_log_serial = 1 }, RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(json);
        var call = S.Master.WaitCalls[^1];
        Assert.Equal(1, call.Serial);
    }

    [Theory]
    [InlineData("""{"previous_job_info":null}""", "Required parameter 'fields' is missing")]
    [InlineData("""{"fields":"status"}""", "The 'fields' parameter should be a list")]
    [InlineData("""{"fields":["status"],"previous_job_info":"x"}""", "The 'previous_job_info' parameter should be a list")]
    [InlineData("""{"fields":["status"],"previous_log_serial":"1"}""", "The 'previous_log_serial' parameter should be a number")]
    public async Task Wait_rejects_bad_bodies(string body, string message)
    {
        var job = S.Master.AddJob();
        var (status, json, _) = await S.SendAsync("GET", $"/2/jobs/{job.Id}/wait", body, RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_jobs_submits_the_opcodes_as_one_job()
    {
        var before = S.Master.Submitted.Count;
        var (status, json, _) = await S.SendAsync("POST", "/2/jobs?dry-run=1",
            """[{"OP_ID":"OP_TEST_DELAY","duration":0.5},{"OP_ID":"OP_CLUSTER_VERIFY_DISKS","reason":[["gnt:client:x","r",1]]}]""",
            RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(before + 1, S.Master.Submitted.Count);
        var job = S.Master.Submitted[^1];
        Assert.Equal(json!.GetValue<long>(), S.Master.Jobs.Keys.Max());
        Assert.Equal(2, job.Count);
        OpAssert.Equal(J("""{"OP_ID":"OP_TEST_DELAY","duration":0.5,"dry_run":true}"""), job[0], "jobs");
        Assert.Equal("gnt:client:x", job[1]["reason"]![0]![0]!.GetValue<string>());
        Assert.Equal(2, job[1]["reason"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"OP_ID":"OP_TEST_DELAY"}""")]
    [InlineData("""[]""")]
    [InlineData("""[{"duration":1}]""")]
    [InlineData("""[1]""")]
    public async Task Post_jobs_rejects_what_is_not_a_list_of_opcodes(string body)
    {
        var before = S.Master.Submitted.Count;
        var (status, _, _) = await S.SendAsync("POST", "/2/jobs", body, RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task Instances_list_ids_and_uris_sorted_by_name()
    {
        var (_, json, _) = await S.GetAsync("/2/instances");
        Assert.Equal("""[{"id":"web1.example.com","uri":"/2/instances/web1.example.com"},{"id":"web2.example.com","uri":"/2/instances/web2.example.com"}]""",
            json!.ToJsonString());
    }

    [Fact]
    public async Task Instances_bulk_has_I_FIELDS_and_memory_alias()
    {
        var (_, json, _) = await S.GetAsync("/2/instances?bulk=1");
        var first = json!.AsArray()[0]!.AsObject();
        var expected = SpecFields("I_FIELDS");
        Assert.Equal(expected, first.Select(kv => kv.Key));
        Assert.Equal(128, first["beparams"]!["memory"]!.GetValue<int>());
        Assert.Null(first["oper_ram"]);
    }

    internal static List<string> SpecFields(string name)
    {
        var spec = JsonNode.Parse(File.ReadAllText(SpecPath()))!;
        return spec["rapi_bulk_fields"]![name]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
    }

    internal static string SpecPath()
    {
        foreach (var candidate in new[] { "/work/shared/spec/ganeti-constants.json" })
            if (File.Exists(candidate)) return candidate;
        var dir = AppContext.BaseDirectory;
        while (dir is not null)
        {
            var p = Path.Combine(dir, "spec", "ganeti-constants.json");
            if (File.Exists(p)) return p;
            dir = Path.GetDirectoryName(dir);
        }
        throw new FileNotFoundException("ganeti-constants.json");
    }

    [Theory]
    [InlineData("/2/nodes?bulk=1", "N_FIELDS")]
    [InlineData("/2/groups?bulk=1", "G_FIELDS")]
    [InlineData("/2/networks?bulk=1", "NET_FIELDS")]
    public async Task Bulk_listings_use_ganeti_field_lists(string path, string fields)
    {
        var (_, json, _) = await S.GetAsync(path);
        Assert.Equal(SpecFields(fields), json!.AsArray()[0]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task Bulk_jobs_use_ganeti_field_list()
    {
        S.Master.AddJob();
        var (_, json, _) = await S.GetAsync("/2/jobs?bulk=1");
        Assert.Equal(SpecFields("J_FIELDS_BULK"), json!.AsArray()[0]!.AsObject().Select(kv => kv.Key));
        var (_, one, _) = await S.GetAsync($"/2/jobs/{S.Master.Jobs.Keys.Max()}");
        Assert.Equal(SpecFields("J_FIELDS"), one!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task Groups_and_nodes_lists_use_ganeti_id_keys()
    {
        var (_, groups, _) = await S.GetAsync("/2/groups");
        Assert.Equal("""[{"name":"default","uri":"/2/groups/default"}]""", groups!.ToJsonString());
        var (_, nodes, _) = await S.GetAsync("/2/nodes");
        Assert.Equal("""[{"id":"node1.example.com","uri":"/2/nodes/node1.example.com"},{"id":"node2.example.com","uri":"/2/nodes/node2.example.com"}]""",
            nodes!.ToJsonString());
        var (_, networks, _) = await S.GetAsync("/2/networks");
        Assert.Equal("""[{"name":"net1","uri":"/2/networks/net1"}]""", networks!.ToJsonString());
    }

    [Fact]
    public async Task Instance_get_answers_fields_and_unknown_is_404()
    {
        var (status, json, _) = await S.GetAsync("/2/instances/web1.example.com");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("web1.example.com", json!["name"]!.GetValue<string>());
        Assert.Equal(256, json["beparams"]!["memory"]!.GetValue<int>());
        var (missing, body, _) = await S.GetAsync("/2/instances/nosuch.example.com");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("Not Found", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Node_get_adds_secondary_ip_alias_and_role_is_named()
    {
        var (_, json, _) = await S.GetAsync("/2/nodes/node1.example.com");
        Assert.Equal("192.0.2.1", json!["secondary_ip"]!.GetValue<string>());
        var (_, role, _) = await S.GetAsync("/2/nodes/node1.example.com/role");
        Assert.Equal("master", role!.GetValue<string>());
        var (_, drained, _) = await S.GetAsync("/2/nodes/node2.example.com/role");
        Assert.Equal("drained", drained!.GetValue<string>());
    }

    [Fact]
    public async Task Create_instance_version_1_renames_name_and_os()
    {
        var body = """
            {"__version__":1,"mode":"create","name":"new1.example.com","os":"noop","disk_template":"diskless",
             "disks":[],"nics":[{"mode":"bridged"}],"hvparams":{"usb_devices":"a b"},"beparams":{"memory":128},"pnode":"node1.example.com"}
            """;
        var (status, json, _) = await S.SendAsync("POST", "/2/instances?dry-run=1", body, RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(S.Master.Jobs.Keys.Max(), json!.GetValue<long>());
        OpAssert.Equal(J("""
            {"OP_ID":"OP_INSTANCE_CREATE","mode":"create","instance_name":"new1.example.com","os_type":"noop",
             "disk_template":"diskless","disks":[],"nics":[{"mode":"bridged"}],"hvparams":{"usb_devices":"a,b"},
             "beparams":{"memory":128},"pnode":"node1.example.com","dry_run":true}
            """), S.LastOp(), "instances");
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "Instance creation request version 0 is no longer supported")]
    [InlineData("""{"__version__":0,"name":"x"}""", "Instance creation request version 0 is no longer supported")]
    [InlineData("""{"__version__":2,"name":"x"}""", "Unsupported request data version 2")]
    [InlineData("""[1]""", "Body contents: Type is 'list', but 'dict' is expected")]
    [InlineData("""{"__version__":1,"name":"x","instance_name":"y"}""", "Parameter 'name' was renamed to 'instance_name', but both are specified")]
    [InlineData("""{"__version__":1,"name":"x","dry_run":true}""", "Can't overwrite static parameters: dry_run")]
    public async Task Create_instance_rejects_bad_requests(string body, string message)
    {
        var before = S.Master.Submitted.Count;
        var (status, json, _) = await S.SendAsync("POST", "/2/instances", body, RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, json!["message"]!.GetValue<string>());
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task A_body_that_does_not_ask_for_the_dry_run_the_query_asks_for_is_refused()
    {
        var before = S.Master.Submitted.Count;
        var (status, json, _) = await S.SendAsync("PUT", "/2/instances/web1.example.com/migrate?dry-run=1",
            """{"mode":"live","dry_run":false}""", RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The query asks for a dry run (dry-run=1) but the body's dry_run does not", json!["message"]!.GetValue<string>());
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    public static TheoryData<string, string, string?, string, string> OpcodeCases => new()
    {
        // method, path, body, expected opcode (without reason), rlib2 resource name
        { "DELETE", "/2/instances/web1.example.com?dry-run=1", null,
          """{"OP_ID":"OP_INSTANCE_REMOVE","instance_name":"web1.example.com","ignore_failures":false,"dry_run":true}""", "instances_name" },
        { "DELETE", "/2/instances/web1.example.com", """{"shutdown_timeout":30}""",
          """{"OP_ID":"OP_INSTANCE_REMOVE","shutdown_timeout":30,"instance_name":"web1.example.com","ignore_failures":false,"dry_run":false}""", "instances_name" },
        { "GET", "/2/instances/web1.example.com/info?static=1", null,
          """{"OP_ID":"OP_INSTANCE_QUERY_DATA","instances":["web1.example.com"],"static":true}""", "instances_name_info" },
        { "GET", "/2/instances/web1.example.com/info", null,
          """{"OP_ID":"OP_INSTANCE_QUERY_DATA","instances":["web1.example.com"],"static":false}""", "instances_name_info" },
        { "PUT", "/2/instances/web1.example.com/startup?force=1&no_remember=1", null,
          """{"OP_ID":"OP_INSTANCE_STARTUP","instance_name":"web1.example.com","force":true,"dry_run":false,"no_remember":true}""", "instances_name_startup" },
        { "PUT", "/2/instances/web1.example.com/startup?dry-run=1", """{"ignored":1}""",
          """{"OP_ID":"OP_INSTANCE_STARTUP","instance_name":"web1.example.com","force":false,"dry_run":true,"no_remember":false}""", "instances_name_startup" },
        { "PUT", "/2/instances/web1.example.com/shutdown?no_remember=1", """{"timeout":60}""",
          """{"OP_ID":"OP_INSTANCE_SHUTDOWN","timeout":60,"instance_name":"web1.example.com","no_remember":true,"dry_run":false}""", "instances_name_shutdown" },
        { "POST", "/2/instances/web1.example.com/reboot?type=soft&ignore_secondaries=1", null,
          """{"OP_ID":"OP_INSTANCE_REBOOT","instance_name":"web1.example.com","reboot_type":"soft","ignore_secondaries":true,"dry_run":false}""", "instances_name_reboot" },
        { "POST", "/2/instances/web1.example.com/reboot", null,
          """{"OP_ID":"OP_INSTANCE_REBOOT","instance_name":"web1.example.com","reboot_type":"hard","ignore_secondaries":false,"dry_run":false}""", "instances_name_reboot" },
        { "PUT", "/2/instances/web1.example.com/rename", """{"new_name":"web3.example.com","ip_check":false,"name_check":false}""",
          """{"OP_ID":"OP_INSTANCE_RENAME","new_name":"web3.example.com","ip_check":false,"name_check":false,"instance_name":"web1.example.com"}""", "instances_name_rename" },
        { "PUT", "/2/instances/web1.example.com/modify", """{"custom_beparams":{"vcpus":2},"hvparams":{"usb_devices":"x y"}}""",
          """{"OP_ID":"OP_INSTANCE_SET_PARAMS","beparams":{"vcpus":2},"hvparams":{"usb_devices":"x,y"},"instance_name":"web1.example.com"}""", "instances_name_modify" },
        { "PUT", "/2/instances/web1.example.com/migrate", """{"mode":"live"}""",
          """{"OP_ID":"OP_INSTANCE_MIGRATE","mode":"live","instance_name":"web1.example.com"}""", "instances_name_migrate" },
        { "PUT", "/2/instances/web1.example.com/failover", """{"target_node":"node2.example.com"}""",
          """{"OP_ID":"OP_INSTANCE_FAILOVER","target_node":"node2.example.com","instance_name":"web1.example.com"}""", "instances_name_failover" },
        { "PUT", "/2/instances/web1.example.com/activate-disks?ignore_size=1", null,
          """{"OP_ID":"OP_INSTANCE_ACTIVATE_DISKS","instance_name":"web1.example.com","ignore_size":true}""", "instances_name_activate_disks" },
        { "PUT", "/2/instances/web1.example.com/deactivate-disks?force=1", null,
          """{"OP_ID":"OP_INSTANCE_DEACTIVATE_DISKS","instance_name":"web1.example.com","force":true}""", "instances_name_deactivate_disks" },
        { "POST", "/2/instances/web1.example.com/recreate-disks", """{"disks":[0]}""",
          """{"OP_ID":"OP_INSTANCE_RECREATE_DISKS","disks":[0],"instance_name":"web1.example.com"}""", "instances_name_recreate_disks" },
        { "POST", "/2/instances/web1.example.com/disk/1/grow", """{"amount":1024,"wait_for_sync":false}""",
          """{"OP_ID":"OP_INSTANCE_GROW_DISK","amount":1024,"wait_for_sync":false,"instance_name":"web1.example.com","disk":1}""", "instances_name_disk_grow" },
        { "POST", "/2/instances/web1.example.com/replace-disks", """{"mode":"replace_auto","disks":"0, 1"}""",
          """{"OP_ID":"OP_INSTANCE_REPLACE_DISKS","mode":"replace_auto","disks":[0,1],"instance_name":"web1.example.com"}""", "instances_name_replace_disks" },
        { "PUT", "/2/instances/web1.example.com/prepare-export?mode=remote", null,
          """{"OP_ID":"OP_BACKUP_PREPARE","instance_name":"web1.example.com","mode":"remote"}""", "instances_name_prepare_export" },
        { "PUT", "/2/instances/web1.example.com/export", """{"mode":"local","destination":"node2.example.com"}""",
          """{"OP_ID":"OP_BACKUP_EXPORT","mode":"local","target_node":"node2.example.com","instance_name":"web1.example.com"}""", "instances_name_export" },
        { "DELETE", "/2/instances/web1.example.com/export", null,
          """{"OP_ID":"OP_BACKUP_REMOVE","instance_name":"web1.example.com"}""", "instances_name_export" },
        { "PUT", "/2/tags?tag=a&tag=b&dry-run=1", null,
          """{"OP_ID":"OP_TAGS_SET","kind":"cluster","name":null,"tags":["a","b"],"dry_run":true}""", "tags" },
        { "DELETE", "/2/tags?tag=a", null,
          """{"OP_ID":"OP_TAGS_DEL","kind":"cluster","name":null,"tags":["a"],"dry_run":false}""", "tags" },
        { "PUT", "/2/instances/web1.example.com/tags?tag=x", null,
          """{"OP_ID":"OP_TAGS_SET","kind":"instance","name":"web1.example.com","tags":["x"],"dry_run":false}""", "instances_name_tags" },
        { "DELETE", "/2/nodes/node1.example.com/tags?tag=x", null,
          """{"OP_ID":"OP_TAGS_DEL","kind":"node","name":"node1.example.com","tags":["x"],"dry_run":false}""", "nodes_name_tags" },
        { "PUT", "/2/groups/default/tags?tag=x", null,
          """{"OP_ID":"OP_TAGS_SET","kind":"nodegroup","name":"default","tags":["x"],"dry_run":false}""", "groups_name_tags" },
        { "PUT", "/2/networks/net1/tags?tag=x", null,
          """{"OP_ID":"OP_TAGS_SET","kind":"network","name":"net1","tags":["x"],"dry_run":false}""", "networks_name_tags" },
        { "PUT", "/2/modify", """{"candidate_pool_size":5}""",
          """{"OP_ID":"OP_CLUSTER_SET_PARAMS","candidate_pool_size":5}""", "cluster_modify" },
        { "PUT", "/2/redistribute-config", null,
          """{"OP_ID":"OP_CLUSTER_REDIST_CONF"}""", "redist_config" },
        { "POST", "/2/nodes/node1.example.com/powercycle?force=1", null,
          """{"OP_ID":"OP_NODE_POWERCYCLE","node_name":"node1.example.com","force":true}""", "nodes_name_powercycle" },
        { "PUT", "/2/nodes/node2.example.com/role?force=1", "\"regular\"",
          """{"OP_ID":"OP_NODE_SET_PARAMS","node_name":"node2.example.com","master_candidate":false,"offline":false,"drained":false,"force":true,"auto_promote":false}""", "nodes_name_role" },
        { "PUT", "/2/nodes/node2.example.com/role?auto-promote=1", "\"offline\"",
          """{"OP_ID":"OP_NODE_SET_PARAMS","node_name":"node2.example.com","master_candidate":null,"offline":true,"drained":null,"force":false,"auto_promote":true}""", "nodes_name_role" },
        { "POST", "/2/nodes/node1.example.com/evacuate?dry-run=1", """{"mode":"all","iallocator":"hail"}""",
          """{"OP_ID":"OP_NODE_EVACUATE","mode":"all","iallocator":"hail","node_name":"node1.example.com","dry_run":true}""", "nodes_name_evacuate" },
        { "POST", "/2/nodes/node1.example.com/migrate", """{"mode":"live"}""",
          """{"OP_ID":"OP_NODE_MIGRATE","mode":"live","node_name":"node1.example.com"}""", "nodes_name_migrate" },
        { "POST", "/2/nodes/node1.example.com/migrate?dry-run=1", """{"mode":"live","target_node":"node2.example.com"}""",
          """{"OP_ID":"OP_NODE_MIGRATE","mode":"live","target_node":"node2.example.com","node_name":"node1.example.com","dry_run":true}""", "nodes_name_migrate" },
        { "PUT", "/2/instances/web1.example.com/migrate?dry-run=1", """{"mode":"live","dry_run":true}""",
          """{"OP_ID":"OP_INSTANCE_MIGRATE","mode":"live","dry_run":true,"instance_name":"web1.example.com"}""", "instances_name_migrate" },
        { "PUT", "/2/instances/web1.example.com/failover?dry-run=1", """{"target_node":"node2.example.com"}""",
          """{"OP_ID":"OP_INSTANCE_FAILOVER","target_node":"node2.example.com","instance_name":"web1.example.com","dry_run":true}""", "instances_name_failover" },
        { "POST", "/2/nodes/node1.example.com/migrate?live=0", null,
          """{"OP_ID":"OP_NODE_MIGRATE","mode":"non-live","node_name":"node1.example.com"}""", "nodes_name_migrate" },
        { "POST", "/2/nodes/node1.example.com/modify", """{"drained":true}""",
          """{"OP_ID":"OP_NODE_SET_PARAMS","drained":true,"node_name":"node1.example.com"}""", "nodes_name_modify" },
        { "GET", "/2/nodes/node1.example.com/storage?storage_type=lvm-vg&output_fields=name,size", null,
          """{"OP_ID":"OP_NODE_QUERY_STORAGE","nodes":["node1.example.com"],"storage_type":"lvm-vg","output_fields":["name","size"]}""", "nodes_name_storage" },
        { "PUT", "/2/nodes/node1.example.com/storage/modify?storage_type=lvm-pv&name=sda1&allocatable=0", null,
          """{"OP_ID":"OP_NODE_MODIFY_STORAGE","node_name":"node1.example.com","storage_type":"lvm-pv","name":"sda1","changes":{"allocatable":false}}""", "nodes_name_storage_modify" },
        { "PUT", "/2/nodes/node1.example.com/storage/repair?storage_type=lvm-vg&name=xenvg", null,
          """{"OP_ID":"OP_REPAIR_NODE_STORAGE","node_name":"node1.example.com","storage_type":"lvm-vg","name":"xenvg"}""", "nodes_name_storage_repair" },
        { "POST", "/2/groups?dry-run=1", """{"name":"g2","alloc_policy":"preferred"}""",
          """{"OP_ID":"OP_GROUP_ADD","group_name":"g2","alloc_policy":"preferred","dry_run":true}""", "groups" },
        { "DELETE", "/2/groups/g2", null,
          """{"OP_ID":"OP_GROUP_REMOVE","group_name":"g2","dry_run":false}""", "groups_name" },
        { "PUT", "/2/groups/g2/modify", """{"custom_ndparams":{"oob_program":"x"}}""",
          """{"OP_ID":"OP_GROUP_SET_PARAMS","ndparams":{"oob_program":"x"},"group_name":"g2"}""", "groups_name_modify" },
        { "PUT", "/2/groups/g2/rename", """{"new_name":"g3"}""",
          """{"OP_ID":"OP_GROUP_RENAME","new_name":"g3","group_name":"g2","dry_run":false}""", "groups_name_rename" },
        { "PUT", "/2/groups/g2/assign-nodes?force=1", """{"nodes":["node2.example.com"]}""",
          """{"OP_ID":"OP_GROUP_ASSIGN_NODES","nodes":["node2.example.com"],"group_name":"g2","dry_run":false,"force":true}""", "groups_name_assign_nodes" },
        { "POST", "/2/networks", """{"name":"net2","network":"10.1.0.0/24"}""",
          """{"OP_ID":"OP_NETWORK_ADD","network_name":"net2","network":"10.1.0.0/24","dry_run":false}""", "networks" },
        { "DELETE", "/2/networks/net2", null,
          """{"OP_ID":"OP_NETWORK_REMOVE","network_name":"net2","dry_run":false}""", "networks_name" },
        { "PUT", "/2/networks/net2/connect", """{"group_name":"default","network_mode":"bridged","network_link":"br0"}""",
          """{"OP_ID":"OP_NETWORK_CONNECT","group_name":"default","network_mode":"bridged","network_link":"br0","network_name":"net2","dry_run":false}""", "networks_name_connect" },
        { "PUT", "/2/networks/net2/disconnect", """{"group_name":"default"}""",
          """{"OP_ID":"OP_NETWORK_DISCONNECT","group_name":"default","network_name":"net2","dry_run":false}""", "networks_name_disconnect" },
        { "PUT", "/2/networks/net2/modify", """{"gateway":"10.1.0.1"}""",
          """{"OP_ID":"OP_NETWORK_SET_PARAMS","gateway":"10.1.0.1","network_name":"net2"}""", "networks_name_modify" },
        { "PUT", "/2/networks/net2/rename", """{"new_name":"net3"}""",
          """{"OP_ID":"OP_NETWORK_RENAME","new_name":"net3","network_name":"net2","dry_run":false}""", "networks_name_rename" },
    };

    [Theory]
    [MemberData(nameof(OpcodeCases))]
    public async Task Resource_submits_the_opcode_rlib2_would(string method, string path, string? body, string expected, string resourceName)
    {
        var (status, json, _) = await S.SendAsync(method, path, body, RapiTestServer.Writer);
        Assert.True(status == HttpStatusCode.OK, $"{method} {path}: {(int)status} {json?.ToJsonString()}");
        Assert.Equal(S.Master.Jobs.Keys.Max(), json!.GetValue<long>());
        OpAssert.Equal(J(expected), S.LastOp(), resourceName);
    }

    [Fact]
    public async Task Reason_query_argument_heads_the_reason_trail()
    {
        await S.SendAsync("PUT", "/2/instances/web1.example.com/startup?reason=maintenance%20done", null, RapiTestServer.Writer);
        var trail = S.LastOp()["reason"]!.AsArray();
        Assert.Equal(2, trail.Count);
        Assert.Equal("gnt:user", trail[0]![0]!.GetValue<string>());
        Assert.Equal("maintenance done", trail[0]![1]!.GetValue<string>());
        Assert.Equal("gnt:library:rlib2:instances_name_startup", trail[1]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Reinstall_is_shutdown_reinstall_startup()
    {
        var (status, _, _) = await S.SendAsync("POST", "/2/instances/web1.example.com/reinstall", """{"os":"debootstrap+trixie","osparams":{"a":"b"}}""", RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.OK, status);
        var job = S.Master.Submitted[^1];
        var expected = JsonNode.Parse("""[{"OP_ID":"OP_INSTANCE_SHUTDOWN","instance_name":"web1.example.com"},{"OP_ID":"OP_INSTANCE_REINSTALL","instance_name":"web1.example.com","os_type":"debootstrap+trixie","osparams":{"a":"b"}},{"OP_ID":"OP_INSTANCE_STARTUP","instance_name":"web1.example.com","force":false}]""");
        Assert.True(JsonNode.DeepEquals(expected, new JsonArray(job.Select(o => (JsonNode?)o.DeepClone()).ToArray())));

        await S.SendAsync("POST", "/2/instances/web1.example.com/reinstall?os=noop&nostartup=1", null, RapiTestServer.Writer);
        Assert.Equal(2, S.Master.Submitted[^1].Count);
        Assert.Equal("noop", S.Master.Submitted[^1][1]["os_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Multi_alloc_fills_each_instance_as_a_create_opcode()
    {
        var (status, _, _) = await S.SendAsync("POST", "/2/instances-multi-alloc",
            """{"instances":[{"name":"a1","os":"noop","mode":"create","disk_template":"diskless","disks":[],"nics":[]}],"iallocator":"hail"}""",
            RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.OK, status);
        OpAssert.Equal(J("""
            {"OP_ID":"OP_INSTANCE_MULTI_ALLOC","instances":[{"OP_ID":"OP_INSTANCE_CREATE","instance_name":"a1","os_type":"noop","mode":"create","disk_template":"diskless","disks":[],"nics":[]}],
             "iallocator":"hail","dry_run":false}
            """), S.LastOp(), "instances_multi_alloc");
    }

    [Fact]
    public async Task Cluster_modify_refuses_compression_tools()
    {
        var before = S.Master.Submitted.Count;
        var (status, json, _) = await S.SendAsync("PUT", "/2/modify", """{"compression_tools":["gzip"]}""", RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("The parameter compression_tools cannot be set via RAPI", json!["message"]!.GetValue<string>());
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task Node_role_master_cannot_be_set()
    {
        var (status, json, _) = await S.SendAsync("PUT", "/2/nodes/node2.example.com/role", "\"master\"", RapiTestServer.Writer);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Can't set 'master' role", json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tags_are_listed_from_the_config()
    {
        Assert.Equal("""["ctag1","ctag2"]""", (await S.GetAsync("/2/tags")).Json!.ToJsonString());
        Assert.Equal("""["prod","web"]""", (await S.GetAsync("/2/instances/web1.example.com/tags")).Json!.ToJsonString());
        Assert.Equal("""["rack1"]""", (await S.GetAsync("/2/nodes/node1.example.com/tags")).Json!.ToJsonString());
        Assert.Equal("""["gtag"]""", (await S.GetAsync("/2/groups/default/tags")).Json!.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await S.GetAsync("/2/instances/nosuch/tags")).Status);
    }

    [Fact]
    public async Task Console_answers_console_of_running_instance_and_503_otherwise()
    {
        var (status, json, _) = await S.GetAsync("/2/instances/web1.example.com/console", RapiTestServer.Reader);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ssh", json!["kind"]!.GetValue<string>());
        var (down, body, _) = await S.GetAsync("/2/instances/web2.example.com/console", RapiTestServer.Reader);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down);
        Assert.Equal("Instance console unavailable", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_get_and_put_answer_query2_results()
    {
        var (status, json, _) = await S.GetAsync("/2/query/instance?fields=name,%20status", RapiTestServer.Reader);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["name", "status"], json!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Assert.Equal("[0,\"web2.example.com\"]", json["data"]![0]![0]!.ToJsonString());

        var (putStatus, put, _) = await S.SendAsync("PUT", "/2/query/node",
            """{"fields":["name","role"],"qfilter":["|",["=","name","node2.example.com"]]}""", RapiTestServer.Reader);
        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal("""[[[0,"node2.example.com"],[0,"D"]]]""", put!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Query_fields_lists_definitions()
    {
        var (status, json, _) = await S.GetAsync("/2/query/instance/fields?fields=name");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"fields":[{"name":"name","title":"NAME","kind":"text","doc":"The name"}]}""", json!.ToJsonString());
    }

    [Fact]
    public async Task Query_of_unknown_resource_is_404_and_missing_fields_is_400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await S.GetAsync("/2/query/pony?fields=name", RapiTestServer.Reader)).Status);
        var (status, json, _) = await S.GetAsync("/2/query/instance", RapiTestServer.Reader);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Missing 'fields' query argument", json!["message"]!.GetValue<string>());
    }
}
