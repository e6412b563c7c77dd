using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.Remoting.Tests.Rapi;

/// <summary>The node group requests as Ganeti's RAPI (and its Python client) spell them.</summary>
public class GroupRequestsTests
{
    [Fact]
    public void Group_listings_and_lookups_use_the_groups_resource()
    {
        Assert.Equal("GET /2/groups?bulk=1", RapiRequests.GetGroups(true).ToString());
        Assert.Equal("GET /2/groups", RapiRequests.GetGroups(false).ToString());
        Assert.Equal("GET /2/groups/rack%202", RapiRequests.GetGroup("rack 2").ToString());
    }

    [Fact]
    public void Add_names_the_group_name_and_sends_only_the_parameters_given()
    {
        var add = RapiRequests.CreateGroup(new GroupCreateSpec
        {
            Name = "rack2", AllocPolicy = "last_resort",
            NdParams = new JsonObject { ["spindle_count"] = 2 },
            DiskParams = new JsonObject { ["drbd"] = new JsonObject { ["resync-rate"] = 2048 } },
            IPolicy = new JsonObject { ["vcpu-ratio"] = 2.5 },
        }, dryRun: true, reason: "new rack");
        Assert.Equal("POST /2/groups?dry-run=1&reason=new%20rack", add.ToString());
        Assert.Equal(
            """{"name":"rack2","alloc_policy":"last_resort","ndparams":{"spindle_count":2},"diskparams":{"drbd":{"resync-rate":2048}},"ipolicy":{"vcpu-ratio":2.5}}""",
            add.Body!.ToJsonString());
        Assert.Equal("""{"name":"g"}""", RapiRequests.CreateGroup(new GroupCreateSpec { Name = "g" }).Body!.ToJsonString());
        Assert.Throws<ArgumentException>(() => RapiRequests.CreateGroup(new GroupCreateSpec { Name = "" }));
    }

    [Fact]
    public void Modify_rename_and_remove_use_Ganetis_methods_and_paths()
    {
        var modify = RapiRequests.ModifyGroup("rack2", new GroupModifyOptions
        {
            AllocPolicy = "unallocable", NdParams = new JsonObject { ["oob_program"] = "default" },
        }, dryRun: true);
        Assert.Equal("PUT /2/groups/rack2/modify?dry-run=1", modify.ToString());
        Assert.Equal("""{"alloc_policy":"unallocable","ndparams":{"oob_program":"default"}}""", modify.Body!.ToJsonString());
        Assert.Throws<ArgumentException>(() => RapiRequests.ModifyGroup("rack2", new GroupModifyOptions()));

        var rename = RapiRequests.RenameGroup("rack2", "rack3");
        Assert.Equal("PUT /2/groups/rack2/rename", rename.ToString());
        Assert.Equal("""{"new_name":"rack3"}""", rename.Body!.ToJsonString());
        Assert.Throws<ArgumentException>(() => RapiRequests.RenameGroup("rack2", ""));

        var remove = RapiRequests.DeleteGroup("rack2", dryRun: true);
        Assert.Equal("DELETE /2/groups/rack2?dry-run=1", remove.ToString());
        Assert.Null(remove.Body);
    }

    [Fact]
    public void Assign_nodes_puts_the_node_list_and_force_travels_in_the_query()
    {
        var assign = RapiRequests.AssignGroupNodes("rack2", ["node3", "node4"], force: true, dryRun: true);
        Assert.Equal("PUT /2/groups/rack2/assign-nodes?force=1&dry-run=1", assign.ToString());
        Assert.Equal("""{"nodes":["node3","node4"]}""", assign.Body!.ToJsonString());
        Assert.Equal("PUT /2/groups/rack2/assign-nodes", RapiRequests.AssignGroupNodes("rack2", ["node3"]).ToString());
        Assert.Throws<ArgumentException>(() => RapiRequests.AssignGroupNodes("rack2", []));
    }

    [Fact]
    public void Evacuate_posts_OP_GROUP_EVACUATEs_parameters()
    {
        var evacuate = RapiRequests.EvacuateGroup("rack2", new GroupEvacuateOptions
        {
            TargetGroups = ["rack3", "rack4"], Iallocator = "hail", EarlyRelease = true, Sequential = true, ForceFailover = true,
        }, reason: "power work");
        Assert.Equal("POST /2/groups/rack2/evacuate?reason=power%20work", evacuate.ToString());
        Assert.Equal("""{"target_groups":["rack3","rack4"],"iallocator":"hail","early_release":true,"sequential":true,"force_failover":true}""",
            evacuate.Body!.ToJsonString());
        Assert.Equal("{}", RapiRequests.EvacuateGroup("rack2", new GroupEvacuateOptions()).Body!.ToJsonString());
    }

    [Fact]
    public void Bulk_group_fields_map_to_a_typed_group()
    {
        var g = GntGroup.FromFields((JsonObject)JsonNode.Parse("""
            {"name":"rack2","uuid":"6f0e","alloc_policy":"last_resort","node_cnt":2,"node_list":["node3","node4"],
             "ipolicy":{"vcpu-ratio":4.0,"disk-templates":["drbd"]},"custom_ipolicy":{"vcpu-ratio":4.0},
             "ndparams":{"spindle_count":2,"oob_program":""},"custom_ndparams":{"spindle_count":2},
             "diskparams":{"drbd":{"resync-rate":1024}},"custom_diskparams":{},
             "tags":["rack"],"serial_no":3,"ctime":1700000000.5,"mtime":1700000100.0}
            """)!);
        Assert.Equal("rack2", g.Name);
        Assert.Equal("6f0e", g.Uuid);
        Assert.Equal("last_resort", g.AllocPolicy);
        Assert.Equal(2, g.NodeCount);
        Assert.Equal(["node3", "node4"], g.Nodes);
        Assert.Equal(4.0, g.IPolicy["vcpu-ratio"]);
        Assert.Equal(2L, g.CustomNdParams["spindle_count"]);
        Assert.Equal(1024L, ((ParamDictionary)g.DiskParams["drbd"]!)["resync-rate"]);
        Assert.Empty(g.CustomDiskParams);
        Assert.Equal(["rack"], g.Tags);
        Assert.Equal(3, g.SerialNo);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 500, DateTimeKind.Utc), g.CreationTime);
        Assert.Equal("rack2", g.ToString());
    }
}
