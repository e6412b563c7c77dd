using System.Text.Json.Nodes;
using static Ganeti.Master.Rapi.Resources.RapiResources;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>/2/nodes and everything below it.</summary>
public static class NodeResources
{
    private static readonly Dictionary<string, string> NodeAliases = new() { ["sip"] = "secondary_ip" };

    /// <summary>Ganeti's node role letters (query field "role") and their RAPI names.</summary>
    private static readonly Dictionary<string, string> Roles = new()
    {
        ["M"] = "master",
        ["C"] = "master-candidate",
        ["D"] = "drained",
        ["O"] = "offline",
        ["R"] = "regular",
    };

    public static void Register(RapiRouteTable t)
    {
        t.Add("/2/nodes", "nodes").Get(ListNodesAsync);
        t.Add("/2/nodes/{node}", "nodes_name").Get(async r =>
            RapiQueries.WithAliases(await RapiQueries.ItemAsync(r, "node", r.Item(0), RapiFields.Node), NodeAliases));

        t.Add("/2/nodes/{node}/powercycle", "nodes_name_powercycle")
            .Post(Opcode("OP_NODE_POWERCYCLE", r => (r.Body, new JsonObject
            {
                ["node_name"] = r.Item(0),
                ["force"] = r.UseForce(),
            })));

        t.Add("/2/nodes/{node}/role", "nodes_name_role").Get(GetRoleAsync).Put(SetRoleAsync);

        t.Add("/2/nodes/{node}/evacuate", "nodes_name_evacuate")
            .Post(Opcode("OP_NODE_EVACUATE", r => (r.Body, new JsonObject
            {
                ["node_name"] = r.Item(0),
                ["dry_run"] = r.DryRun(),
            })));

        t.Add("/2/nodes/{node}/migrate", "nodes_name_migrate")
            .Post(Opcode("OP_NODE_MIGRATE", r => (MigrateBody(r), new JsonObject { ["node_name"] = r.Item(0) })));

        t.Add("/2/nodes/{node}/modify", "nodes_name_modify")
            .Post(Opcode("OP_NODE_SET_PARAMS", r => (r.Body, new JsonObject { ["node_name"] = r.Item(0) })));

        // Storage queries take locks on the node, hence write even for GET (as in Ganeti).
        t.Add("/2/nodes/{node}/storage", "nodes_name_storage")
            .Get(Opcode("OP_NODE_QUERY_STORAGE", r =>
            {
                var outputFields = r.CheckString("output_fields");
                if (string.IsNullOrEmpty(outputFields))
                    throw RapiException.BadRequest("Missing the required 'output_fields' parameter");
                return (null, new JsonObject
                {
                    ["nodes"] = new JsonArray(r.Item(0)),
                    ["storage_type"] = r.CheckString("storage_type"),
                    ["output_fields"] = RapiJson.StringArray(outputFields.Split(',')),
                });
            }), RapiAccess.WriteOnly);

        t.Add("/2/nodes/{node}/storage/modify", "nodes_name_storage_modify")
            .Put(Opcode("OP_NODE_MODIFY_STORAGE", r =>
            {
                var name = RequiredName(r);
                var changes = new JsonObject();
                if (r.HasQuery("allocatable"))
                    changes["allocatable"] = r.CheckBool("allocatable", true);
                return (null, new JsonObject
                {
                    ["node_name"] = r.Item(0),
                    ["storage_type"] = r.CheckString("storage_type"),
                    ["name"] = name,
                    ["changes"] = changes,
                });
            }));

        t.Add("/2/nodes/{node}/storage/repair", "nodes_name_storage_repair")
            .Put(Opcode("OP_REPAIR_NODE_STORAGE", r =>
            {
                var name = RequiredName(r);
                return (null, new JsonObject
                {
                    ["node_name"] = r.Item(0),
                    ["storage_type"] = r.CheckString("storage_type"),
                    ["name"] = name,
                });
            }));
    }

    private static string RequiredName(RapiRequest r)
    {
        var name = r.CheckString("name");
        if (string.IsNullOrEmpty(name))
            throw RapiException.BadRequest("Missing the required 'name' parameter");
        return name;
    }

    private static async Task<JsonNode?> ListNodesAsync(RapiRequest r)
    {
        if (r.UseBulk())
            return await RapiQueries.BulkAsync(r, "node", RapiFields.Node);
        return await RapiQueries.UriListAsync(r, "node", "name", "/2/nodes/", "id");
    }

    private static async Task<JsonNode?> GetRoleAsync(RapiRequest r)
    {
        var item = await RapiQueries.ItemAsync(r, "node", r.Item(0), ["name", "role"]);
        var letter = item["role"]?.ToString() ?? "";
        return Roles.TryGetValue(letter, out var role) ? role : throw new RapiException(500, $"Internal error: unknown node role '{letter}'");
    }

    /// <summary>PUT role: the body is the role's name as a JSON string.</summary>
    private static Task<JsonNode?> SetRoleAsync(RapiRequest r)
    {
        if (!RapiJson.IsString(r.Body))
            throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(r.Body)}', but 'str' is expected");
        var role = r.Body!.GetValue<string>();
        bool? candidate, offline, drained;
        switch (role)
        {
            case "regular": candidate = false; offline = false; drained = false; break;
            case "master-candidate": candidate = true; offline = null; drained = null; break;
            case "drained": drained = true; candidate = null; offline = null; break;
            case "offline": offline = true; candidate = null; drained = null; break;
            default: throw RapiException.BadRequest($"Can't set '{role}' role");
        }
        return r.SubmitOpcodeAsync("OP_NODE_SET_PARAMS", new JsonObject(), new JsonObject
        {
            ["node_name"] = r.Item(0),
            ["master_candidate"] = candidate,
            ["offline"] = offline,
            ["drained"] = drained,
            ["force"] = r.UseForce(),
            ["auto_promote"] = r.CheckBool("auto-promote"),
        });
    }

    /// <summary>
    /// Node migrate: the request-version-1 body, or the legacy ?live=0|1 / ?mode= form.
    /// (Ganeti takes the legacy path for any query argument; here only those two count.)
    /// </summary>
    private static JsonNode? MigrateBody(RapiRequest r)
    {
        var live = r.HasQuery("live");
        var mode = r.HasQuery("mode");
        if (!live && !mode) return r.Body;
        if (live && mode)
            throw RapiException.BadRequest("Only one of 'live' and 'mode' should be passed");
        var value = live ? (r.CheckBool("live", true) ? "live" : "non-live") : r.CheckString("mode");
        return new JsonObject { ["mode"] = value };
    }
}
