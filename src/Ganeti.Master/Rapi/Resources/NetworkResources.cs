using System.Text.Json.Nodes;
using static Ganeti.Master.Rapi.Resources.RapiResources;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>/2/networks and everything below it.</summary>
public static class NetworkResources
{
    private static readonly Dictionary<string, string> AddRename = new() { ["name"] = "network_name" };

    public static void Register(RapiRouteTable t)
    {
        t.Add("/2/networks", "networks")
            .Get(async r => r.UseBulk()
                ? await RapiQueries.BulkAsync(r, "network", RapiFields.Network)
                : await RapiQueries.UriListAsync(r, "network", "name", "/2/networks/", "name"))
            .Post(Opcode("OP_NETWORK_ADD", r => (r.Body, new JsonObject { ["dry_run"] = r.DryRun() }), AddRename));

        t.Add("/2/networks/{network}", "networks_name")
            .Get(async r => await RapiQueries.ItemAsync(r, "network", r.Item(0), RapiFields.Network))
            .Delete(Opcode("OP_NETWORK_REMOVE", r => (r.Body, NameAndDryRun(r))));

        t.Add("/2/networks/{network}/connect", "networks_name_connect")
            .Put(Opcode("OP_NETWORK_CONNECT", r => (r.Body, NameAndDryRun(r))));

        t.Add("/2/networks/{network}/disconnect", "networks_name_disconnect")
            .Put(Opcode("OP_NETWORK_DISCONNECT", r => (r.Body, NameAndDryRun(r))));

        t.Add("/2/networks/{network}/rename", "networks_name_rename")
            .Put(Opcode("OP_NETWORK_RENAME", r => (r.Body, NameAndDryRun(r))));

        t.Add("/2/networks/{network}/modify", "networks_name_modify")
            .Put(Opcode("OP_NETWORK_SET_PARAMS", r => (r.Body, new JsonObject { ["network_name"] = r.Item(0) })));
    }

    private static JsonObject NameAndDryRun(RapiRequest r) => new()
    {
        ["network_name"] = r.Item(0),
        ["dry_run"] = r.DryRun(),
    };
}
