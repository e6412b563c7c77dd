using System.Text.Json.Nodes;
using Ganeti.Core.Config;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>
/// /2/tags and /2/{instances,nodes,groups,networks}/[name]/tags: GET lists the tags, PUT
/// ?tag=a&amp;tag=b submits OP_TAGS_SET, DELETE ?tag=... submits OP_TAGS_DEL.
/// </summary>
public static class TagResources
{
    public static void Register(RapiRouteTable t)
    {
        Add(t, "/2/tags", "tags", "cluster");
        Add(t, "/2/instances/{instance}/tags", "instances_name_tags", "instance");
        Add(t, "/2/nodes/{node}/tags", "nodes_name_tags", "node");
        Add(t, "/2/groups/{group}/tags", "groups_name_tags", "nodegroup");
        Add(t, "/2/networks/{network}/tags", "networks_name_tags", "network");
    }

    private static void Add(RapiRouteTable t, string template, string name, string kind)
    {
        t.Add(template, name)
            .Get(r => Task.FromResult<JsonNode?>(RapiJson.StringArray(Tags(r.Master.ReadConfig(), kind, Name(r, kind)))))
            .Put(r => Submit(r, "OP_TAGS_SET", kind))
            .Delete(r => Submit(r, "OP_TAGS_DEL", kind));
    }

    private static string? Name(RapiRequest r, string kind) => kind == "cluster" ? null : r.Item(0);

    private static Task<JsonNode?> Submit(RapiRequest r, string opId, string kind) =>
        r.SubmitOpcodeAsync(opId, new JsonObject(), new JsonObject
        {
            ["kind"] = kind,
            ["name"] = Name(r, kind),
            ["tags"] = RapiJson.StringArray(r.QueryValues("tag")),
            ["dry_run"] = r.DryRun(),
        });

    private static IEnumerable<string> Tags(ConfigData config, string kind, string? name)
    {
        ConfigObject? obj = kind switch
        {
            "cluster" => config.Cluster,
            "instance" => config.FindInstance(name!),
            "node" => config.FindNode(name!),
            "nodegroup" => config.FindGroup(name!),
            "network" => config.FindNetwork(name!),
            _ => null,
        };
        if (obj is null)
            throw RapiException.NotFound($"{Kind(kind)} '{name}' not known");
        return obj.Tags;
    }

    private static string Kind(string kind) => kind switch
    {
        "nodegroup" => "Node group",
        _ => char.ToUpperInvariant(kind[0]) + kind[1..],
    };
}
