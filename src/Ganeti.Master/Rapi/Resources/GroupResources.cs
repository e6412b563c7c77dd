using System.Text.Json.Nodes;
using static Ganeti.Master.Rapi.Resources.RapiResources;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>/2/groups and everything below it.</summary>
public static class GroupResources
{
    private static readonly Dictionary<string, string> AddRename = new() { ["name"] = "group_name" };
    private static readonly Dictionary<string, string> ModifyRename = new()
    {
        ["custom_ndparams"] = "ndparams",
        ["custom_ipolicy"] = "ipolicy",
        ["custom_diskparams"] = "diskparams",
    };

    public static void Register(RapiRouteTable t)
    {
        t.Add("/2/groups", "groups")
            .Get(async r => r.UseBulk()
                ? await RapiQueries.BulkAsync(r, "group", RapiFields.Group)
                : await RapiQueries.UriListAsync(r, "group", "name", "/2/groups/", "name"))
            .Post(Opcode("OP_GROUP_ADD", r => (r.Body, new JsonObject { ["dry_run"] = r.DryRun() }), AddRename));

        t.Add("/2/groups/{group}", "groups_name")
            .Get(async r => await RapiQueries.ItemAsync(r, "group", r.Item(0), RapiFields.Group))
            .Delete(Opcode("OP_GROUP_REMOVE", r => (null, new JsonObject
            {
                ["group_name"] = r.Item(0),
                ["dry_run"] = r.DryRun(),
            })));

        t.Add("/2/groups/{group}/modify", "groups_name_modify")
            .Put(Opcode("OP_GROUP_SET_PARAMS", r => (r.Body, new JsonObject { ["group_name"] = r.Item(0) }), ModifyRename));

        t.Add("/2/groups/{group}/rename", "groups_name_rename")
            .Put(Opcode("OP_GROUP_RENAME", r => (r.Body, new JsonObject
            {
                ["group_name"] = r.Item(0),
                ["dry_run"] = r.DryRun(),
            })));

        t.Add("/2/groups/{group}/evacuate", "groups_name_evacuate")
            .Post(Opcode("OP_GROUP_EVACUATE", r => (r.Body, new JsonObject
            {
                ["group_name"] = r.Item(0),
                ["dry_run"] = r.DryRun(),
            })));

        t.Add("/2/groups/{group}/assign-nodes", "groups_name_assign_nodes")
            .Put(Opcode("OP_GROUP_ASSIGN_NODES", r => (r.Body, new JsonObject
            {
                ["group_name"] = r.Item(0),
                ["dry_run"] = r.DryRun(),
                ["force"] = r.UseForce(),
            })));
    }
}
