using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.Remoting.Tests.Rapi;

public class ModelMappingTests
{
    private const string BulkInstance = """
    {"name":"web1","admin_state":"up","os":"debootstrap+default","pnode":"node1","snodes":["node2"],
     "disk_template":"drbd","nic.ips":[null],"nic.macs":["aa:00:00:01:02:03"],"nic.modes":["bridged"],
     "nic.uuids":["u-n0"],"nic.names":[null],"nic.links":["br0"],"nic.networks":[null],"nic.networks.names":[null],
     "nic.bridges":["br0"],"network_port":11000,"disk.sizes":[20480,1024],"disk.spindles":[null,null],
     "disk_usage":21504,"disk.uuids":["u-d0","u-d1"],"disk.names":["root",null],
     "beparams":{"maxmem":512,"minmem":256,"vcpus":2,"auto_balance":true},"hvparams":{"kernel_path":""},
     "oper_state":true,"oper_ram":512,"oper_vcpus":2,"status":"running","custom_hvparams":{},"custom_beparams":{"vcpus":2},
     "custom_nicparams":[{}],"ctime":1700000000.5,"mtime":1700000100.25,"uuid":"u-i","serial_no":3,"tags":["a","b"]}
    """;

    [Fact]
    public void Bulk_instance_fields_map_to_a_typed_instance()
    {
        var i = GntInstance.FromFields((JsonObject)JsonNode.Parse(BulkInstance)!);
        Assert.Equal("web1", i.Name);
        Assert.Equal("running", i.Status);
        Assert.Equal("up", i.AdminState);
        Assert.True(i.OperState);
        Assert.Equal("node1", i.PrimaryNode);
        Assert.Equal(["node2"], i.SecondaryNodes);
        Assert.Equal(512, i.MemoryMB);
        Assert.Equal(256, i.MinMemoryMB);
        Assert.Equal(2, i.VCpus);
        Assert.Equal(2, i.Disks.Length);
        Assert.Equal(20480, i.Disks[0].SizeMB);
        Assert.Equal("root", i.Disks[0].Name);
        Assert.Null(i.Disks[1].Name);
        var nic = Assert.Single(i.Nics);
        Assert.Equal("aa:00:00:01:02:03", nic.MacAddress);
        Assert.Null(nic.IPAddress);
        Assert.Equal("br0", nic.Link);
        Assert.Equal(true, i.BeParams["auto_balance"]);
        Assert.Equal(2L, i.CustomBeParams["VCPUS"]);
        Assert.Equal(["a", "b"], i.Tags);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 500, DateTimeKind.Utc), i.CreationTime);
    }

    [Fact]
    public void Older_boolean_admin_state_and_legacy_memory_are_understood()
    {
        var i = GntInstance.FromFields(new JsonObject { ["name"] = "x", ["admin_state"] = false, ["beparams"] = new JsonObject { ["memory"] = 128 } });
        Assert.Equal("down", i.AdminState);
        Assert.Equal(128, i.MemoryMB);
        Assert.Empty(i.Disks);
        Assert.Null(i.Status);
    }

    [Fact]
    public void Node_roles_are_spelled_out()
    {
        var n = GntNode.FromFields((JsonObject)JsonNode.Parse("""
            {"name":"node1","role":"M","offline":false,"drained":false,"master_candidate":true,"mtotal":32000,"mfree":30000,
             "dtotal":100,"dfree":50,"ctotal":8,"pinst_cnt":1,"pinst_list":["web1"],"sinst_list":[],"pip":"192.0.2.1",
             "group.uuid":"g1","vm_capable":1,"tags":[]}
            """)!);
        Assert.Equal("master", n.Role);
        Assert.True(n.MasterCandidate);
        Assert.True(n.VmCapable);
        Assert.Equal(30000, n.MemoryFreeMB);
        Assert.Equal(["web1"], n.PrimaryInstances);
        Assert.Equal("g1", n.GroupUuid);
    }

    [Fact]
    public void Failed_job_exposes_Ganeti_error_class_message_and_kind()
    {
        var j = GntJob.FromFields((JsonObject)JsonNode.Parse("""
            {"id":"42","status":"error","summary":["INSTANCE_STARTUP(web1)"],"opstatus":["error"],
             "ops":[{"OP_ID":"OP_INSTANCE_STARTUP","instance_name":"web1"}],
             "opresult":[["OpPrereqError",["Instance 'web1' is marked to be down","wrong_state"]]],
             "oplog":[[[1,[1700000000,5],"message","checking"],[2,[1700000001,0],"message","refused"]]],
             "received_ts":[1700000000,0],"start_ts":[1700000000,1000],"end_ts":[1700000002,0]}
            """)!);
        Assert.Equal(42, j.Id);
        Assert.Equal(42, j.JobId);
        Assert.True(j.IsFinished);
        Assert.Equal(2, j.Log.Length);
        Assert.Equal("refused", j.Log[1].Message);
        Assert.Equal(0, j.Log[1].OpIndex);
        Assert.NotNull(j.Failure);
        Assert.Equal("OpPrereqError", j.Failure!.ErrorClass);
        Assert.Equal("wrong_state", j.Failure.Ecode);
        Assert.Equal("OP_INSTANCE_STARTUP", j.Failure.OpId);
        Assert.Equal("Instance 'web1' is marked to be down", j.Failure.Message);
        var r = Assert.Single(j.Results());
        Assert.Equal("OP_INSTANCE_STARTUP", r.OpId);
        Assert.Equal(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1), j.Duration);
    }

    [Fact]
    public void Bulk_job_without_results_has_no_failure_details_but_a_clear_message()
    {
        var j = GntJob.FromFields((JsonObject)JsonNode.Parse("""{"id":7,"status":"canceled","opstatus":["canceled"],"ops":[{"OP_ID":"OP_TEST_DELAY"}]}""")!);
        Assert.Equal("The job was canceled.", j.Failure!.Message);
        Assert.Null(j.OpResult);
    }

    [Fact]
    public void Successful_job_has_no_failure()
    {
        var j = GntJob.FromFields((JsonObject)JsonNode.Parse("""{"id":8,"status":"success","opstatus":["success"],"opresult":[["node1"]]}""")!);
        Assert.Null(j.Failure);
        Assert.Equal(new object[] { "node1" }, (object[])j.Results().Single().Result!);
    }

    [Fact]
    public void Cluster_info_maps_with_default_beparams()
    {
        var c = GntCluster.FromInfo((JsonObject)JsonNode.Parse("""
            {"name":"cluster","master":"node1","software_version":"3.0.2","protocol_version":3000000,
             "enabled_hypervisors":["fake"],"default_hypervisor":"fake","architecture":["64bit","x86_64"],
             "beparams":{"default":{"vcpus":1,"maxmem":128}},"tags":["t"]}
            """)!);
        Assert.Equal("cluster", c.Name);
        Assert.Equal(1L, c.BeParams["vcpus"]);
        Assert.Equal(["fake"], c.EnabledHypervisors);
        Assert.Equal("3.0.2", c.Info["software_version"]);
    }

    [Fact]
    public void Os_names_split_into_base_and_variant()
    {
        var os = GntOS.FromEntry(JsonValue.Create("debootstrap+buster")).Single();
        Assert.Equal("debootstrap", os.BaseName);
        Assert.Equal("buster", os.Variant);
        var bulk = GntOS.FromEntry(JsonNode.Parse("""{"name":"guest","variants":["a","b"],"valid":true,"api_versions":[20]}""")).ToList();
        Assert.Equal(["guest+a", "guest+b"], bulk.Select(o => o.Name));
    }

    [Fact]
    public void Query2_rows_keep_normal_values_and_null_the_rest()
    {
        var q = GntQueryResult.FromWire((JsonObject)JsonNode.Parse("""
            {"fields":[{"name":"name","title":"Instance","kind":"text","doc":"d"},{"name":"oper_ram","title":"Mem","kind":"unit","doc":"d"}],
             "data":[[[0,"web1"],[0,512]],[[0,"web2"],[4,null]]]}
            """)!);
        var instances = q.Rows.Select(GntInstance.FromFields).ToList();
        Assert.Equal(512, instances[0].OperMemoryMB);
        Assert.Null(instances[1].OperMemoryMB);
        Assert.Equal("Instance", q.Fields[0].Title);
    }

    [Fact]
    public void Parameter_dictionaries_print_readably()
    {
        var d = JsonFields.ToPlain(JsonNode.Parse("""{"a":1,"b":true,"c":[1,2]}""")) as ParamDictionary;
        Assert.Equal("{a=1, b=true, c=[1,2]}", d!.ToString());
    }
}
