using System.Text.Json;
using System.Text.Json.Nodes;
using static Ganeti.Master.Rapi.Resources.RapiResources;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>/2/instances and everything below it, /2/instances-multi-alloc.</summary>
public static class InstanceResources
{
    private static readonly Dictionary<string, string> CreateRename = new() { ["os"] = "os_type", ["name"] = "instance_name" };
    private static readonly Dictionary<string, string> ModifyRename = new()
    {
        ["custom_beparams"] = "beparams",
        ["custom_hvparams"] = "hvparams",
    };
    private static readonly Dictionary<string, string> ExportRename = new() { ["destination"] = "target_node" };

    public static void Register(RapiRouteTable t)
    {
        t.Add("/2/instances", "instances").Get(ListInstancesAsync).Post(CreateAsync);
        t.Add("/2/instances-multi-alloc", "instances_multi_alloc").Post(MultiAllocAsync);

        t.Add("/2/instances/{instance}", "instances_name")
            .Get(GetInstanceAsync)
            .Delete(Opcode("OP_INSTANCE_REMOVE", r => (r.Body, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["ignore_failures"] = false,
                ["dry_run"] = r.DryRun(),
            })));

        t.Add("/2/instances/{instance}/info", "instances_name_info")
            .Get(Opcode("OP_INSTANCE_QUERY_DATA", r => (null, new JsonObject
            {
                ["instances"] = new JsonArray(r.Item(0)),
                ["static"] = r.CheckBool("static"),
            })));

        t.Add("/2/instances/{instance}/startup", "instances_name_startup")
            .Put(Opcode("OP_INSTANCE_STARTUP", r => (null, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["force"] = r.UseForce(),
                ["dry_run"] = r.DryRun(),
                ["no_remember"] = r.CheckBool("no_remember"),
            })));

        t.Add("/2/instances/{instance}/shutdown", "instances_name_shutdown")
            .Put(Opcode("OP_INSTANCE_SHUTDOWN", r => (r.Body, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["no_remember"] = r.CheckBool("no_remember"),
                ["dry_run"] = r.DryRun(),
            })));

        t.Add("/2/instances/{instance}/reboot", "instances_name_reboot")
            .Post(Opcode("OP_INSTANCE_REBOOT", r => (r.Body, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["reboot_type"] = r.QueryValues("type").FirstOrDefault() ?? "hard",
                ["ignore_secondaries"] = r.CheckBool("ignore_secondaries"),
                ["dry_run"] = r.DryRun(),
            })));

        t.Add("/2/instances/{instance}/reinstall", "instances_name_reinstall").Post(ReinstallAsync);

        t.Add("/2/instances/{instance}/replace-disks", "instances_name_replace_disks")
            .Post(Opcode("OP_INSTANCE_REPLACE_DISKS", r => (ReplaceDisksBody(r), new JsonObject { ["instance_name"] = r.Item(0) })));

        t.Add("/2/instances/{instance}/activate-disks", "instances_name_activate_disks")
            .Put(Opcode("OP_INSTANCE_ACTIVATE_DISKS", r => (null, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["ignore_size"] = r.CheckBool("ignore_size"),
            })));

        t.Add("/2/instances/{instance}/deactivate-disks", "instances_name_deactivate_disks")
            .Put(Opcode("OP_INSTANCE_DEACTIVATE_DISKS", r => (null, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["force"] = r.UseForce(),
            })));

        t.Add("/2/instances/{instance}/recreate-disks", "instances_name_recreate_disks")
            .Post(Opcode("OP_INSTANCE_RECREATE_DISKS", r => (r.Body, new JsonObject { ["instance_name"] = r.Item(0) })));

        t.Add("/2/instances/{instance}/prepare-export", "instances_name_prepare_export")
            .Put(Opcode("OP_BACKUP_PREPARE", r => (null, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["mode"] = r.CheckString("mode"),
            })));

        t.Add("/2/instances/{instance}/export", "instances_name_export")
            .Put(Opcode("OP_BACKUP_EXPORT", r => (r.Body, new JsonObject { ["instance_name"] = r.Item(0) }), ExportRename))
            .Delete(Opcode("OP_BACKUP_REMOVE", r => (r.Body, new JsonObject { ["instance_name"] = r.Item(0) })));

        t.Add("/2/instances/{instance}/migrate", "instances_name_migrate")
            .Put(Opcode("OP_INSTANCE_MIGRATE", r => (r.Body, new JsonObject { ["instance_name"] = r.Item(0) })));

        t.Add("/2/instances/{instance}/failover", "instances_name_failover")
            .Put(Opcode("OP_INSTANCE_FAILOVER", r => (r.Body, new JsonObject { ["instance_name"] = r.Item(0) })));

        t.Add("/2/instances/{instance}/rename", "instances_name_rename")
            .Put(Opcode("OP_INSTANCE_RENAME", r => (r.Body, new JsonObject { ["instance_name"] = r.Item(0) })));

        t.Add("/2/instances/{instance}/modify", "instances_name_modify")
            .Put(Opcode("OP_INSTANCE_SET_PARAMS", r =>
            {
                var body = BodyObject(r);
                RapiOpcodes.ConvertUsbDevices(body);
                return (body, new JsonObject { ["instance_name"] = r.Item(0) });
            }, ModifyRename));

        t.Add("/2/instances/{instance}/disk/{disk}/grow", "instances_name_disk_grow")
            .Post(Opcode("OP_INSTANCE_GROW_DISK", r => (r.Body, new JsonObject
            {
                ["instance_name"] = r.Item(0),
                ["disk"] = int.Parse(r.Item(1), System.Globalization.CultureInfo.InvariantCulture),
            })));

        t.Add("/2/instances/{instance}/console", "instances_name_console")
            .Get(ConsoleAsync, RapiAccess.ReadOrWrite);
    }

    /// <summary>Ganeti answers beparams with "memory" mirroring "maxmem", for old clients.</summary>
    private static JsonObject UpdateBeparams(JsonObject inst)
    {
        if (inst["beparams"] is JsonObject be && be.ContainsKey("maxmem"))
            be["memory"] = be["maxmem"]?.DeepClone();
        return inst;
    }

    private static async Task<JsonNode?> ListInstancesAsync(RapiRequest r)
    {
        if (r.UseBulk())
            return await RapiQueries.BulkAsync(r, "instance", RapiFields.Instance, UpdateBeparams);
        return await RapiQueries.UriListAsync(r, "instance", "name", "/2/instances/", "id");
    }

    private static async Task<JsonNode?> GetInstanceAsync(RapiRequest r) =>
        UpdateBeparams(await RapiQueries.ItemAsync(r, "instance", r.Item(0), RapiFields.Instance));

    /// <summary>
    /// POST /2/instances: only request version 1 (<c>"__version__": 1</c>) exists; the body
    /// becomes OP_INSTANCE_CREATE with "name"→instance_name and "os"→os_type.
    /// </summary>
    private static Task<JsonNode?> CreateAsync(RapiRequest r)
    {
        if (r.Body is not JsonObject body)
            throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(r.Body)}', but 'dict' is expected");
        var version = body["__version__"];
        if (version is null || (RapiJson.IsInteger(version) && version.GetValue<long>() == 0))
            throw RapiException.BadRequest("Instance creation request version 0 is no longer supported");
        if (!RapiJson.IsInteger(version) || version.GetValue<long>() != 1)
            throw RapiException.BadRequest($"Unsupported request data version {version.ToJsonString()}");
        var data = (JsonObject)body.DeepClone();
        data.Remove("__version__");
        RapiOpcodes.ConvertUsbDevices(data);
        return r.SubmitOpcodeAsync("OP_INSTANCE_CREATE", data, new JsonObject { ["dry_run"] = r.DryRun() }, CreateRename);
    }

    private static Task<JsonNode?> MultiAllocAsync(RapiRequest r)
    {
        var body = BodyObject(r);
        if (body["instances"] is not JsonArray instances)
            throw RapiException.BadRequest("Request is missing required 'instances' field in body");
        var filled = new JsonArray();
        foreach (var inst in instances)
            filled.Add(RapiOpcodes.Fill("OP_INSTANCE_CREATE", inst, new JsonObject(), CreateRename));
        body["instances"] = filled;
        return r.SubmitOpcodeAsync("OP_INSTANCE_MULTI_ALLOC", body, new JsonObject { ["dry_run"] = r.DryRun() });
    }

    /// <summary>
    /// Reinstall is a job of three opcodes: shutdown, reinstall, and startup unless the
    /// request says start=false. Body {os, start, osparams}, or the legacy ?os=&amp;nostartup=.
    /// </summary>
    private static Task<JsonNode?> ReinstallAsync(RapiRequest r)
    {
        JsonObject body;
        if (r.Body is not null && !(r.Body is JsonObject { Count: 0 }))
        {
            if (r.Query.Keys.Any(k => k != "reason"))
                throw RapiException.BadRequest("Can't combine query and body parameters");
            body = r.Body as JsonObject ?? throw RapiException.BadRequest("Invalid body contents, not a dictionary");
        }
        else if (r.Query.Keys.Any(k => k != "reason"))
        {
            body = new JsonObject { ["os"] = r.CheckString("os"), ["start"] = !r.CheckBool("nostartup") };
        }
        else
        {
            body = new JsonObject();
        }

        var name = r.Item(0);
        var os = body["os"]?.DeepClone();
        var start = true;
        if (body.TryGetPropertyValue("start", out var startNode))
        {
            if (startNode is not JsonValue sv || sv.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                throw RapiException.BadRequest($"'start' parameter: Type is '{RapiJson.PythonType(startNode)}', but 'bool' is expected");
            start = sv.GetValue<bool>();
        }
        var osparams = body["osparams"]?.DeepClone();

        var ops = new List<JsonObject>
        {
            new() { ["OP_ID"] = "OP_INSTANCE_SHUTDOWN", ["instance_name"] = name },
            new() { ["OP_ID"] = "OP_INSTANCE_REINSTALL", ["instance_name"] = name, ["os_type"] = os, ["osparams"] = osparams },
        };
        if (start)
            ops.Add(new JsonObject { ["OP_ID"] = "OP_INSTANCE_STARTUP", ["instance_name"] = name, ["force"] = false });
        return r.SubmitJobAsync(ops);
    }

    /// <summary>The replace-disks body, or the legacy query form; "disks" may be a list or "1,2".</summary>
    private static JsonObject ReplaceDisksBody(RapiRequest r)
    {
        JsonObject data;
        if (r.Body is JsonObject { Count: > 0 } b)
            data = (JsonObject)b.DeepClone();
        else if (r.Body is not null and not JsonObject)
            throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(r.Body)}', but 'dict' is expected");
        else if (r.Query.Keys.Any(k => k != "reason"))
            data = new JsonObject
            {
                ["remote_node"] = r.CheckString("remote_node"),
                ["mode"] = r.CheckString("mode"),
                ["disks"] = r.CheckString("disks"),
                ["iallocator"] = r.CheckString("iallocator"),
            };
        else
            data = new JsonObject();

        if (data.TryGetPropertyValue("disks", out var raw))
        {
            data.Remove("disks");
            if (raw is JsonArray list && list.All(RapiJson.IsInteger))
            {
                if (list.Count > 0) data["disks"] = list.DeepClone();
            }
            else if (raw is JsonValue v && v.TryGetValue<string>(out var s))
            {
                if (s.Length > 0)
                {
                    var indices = new JsonArray();
                    foreach (var part in s.Split(','))
                    {
                        if (!int.TryParse(part.Trim(), out var idx))
                            throw RapiException.BadRequest($"Invalid disk index passed: '{part.Trim()}'");
                        indices.Add(idx);
                    }
                    data["disks"] = indices;
                }
            }
            else if (raw is not null && !(raw is JsonArray { Count: 0 }))
            {
                throw RapiException.BadRequest("Invalid disk index passed: must be a list of numbers");
            }
        }
        return data;
    }

    /// <summary>Console details of a running instance; 503 when it is not running.</summary>
    private static async Task<JsonNode?> ConsoleAsync(RapiRequest r)
    {
        var item = await RapiQueries.ItemAsync(r, "instance", r.Item(0), ["name", "console", "oper_state"]);
        if (item["oper_state"] is not JsonValue running || running.GetValueKind() != JsonValueKind.True)
            throw RapiException.ServiceUnavailable("Instance console unavailable");
        if (item["console"] is not JsonObject console)
            throw RapiException.ServiceUnavailable("Instance console unavailable");
        return console.DeepClone();
    }
}
