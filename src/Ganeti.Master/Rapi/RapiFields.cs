namespace Ganeti.Master.Rapi;

/// <summary>The field lists of Ganeti's bulk listings (rlib2's I_FIELDS, N_FIELDS, ...).</summary>
public static class RapiFields
{
    private static readonly string[] Common = ["ctime", "mtime", "uuid", "serial_no", "tags"];

    public static readonly IReadOnlyList<string> Instance =
    [
        "name", "admin_state", "os", "pnode", "snodes", "disk_template",
        "nic.ips", "nic.macs", "nic.modes", "nic.uuids", "nic.names", "nic.links", "nic.networks",
        "nic.networks.names", "nic.bridges", "network_port",
        "disk.sizes", "disk.spindles", "disk_usage", "disk.uuids", "disk.names",
        "beparams", "hvparams", "oper_state", "oper_ram", "oper_vcpus", "status",
        "custom_hvparams", "custom_beparams", "custom_nicparams", .. Common,
    ];

    public static readonly IReadOnlyList<string> Node =
    [
        "name", "offline", "master_candidate", "drained", "dtotal", "dfree", "sptotal", "spfree",
        "mtotal", "mnode", "mfree", "pinst_cnt", "sinst_cnt", "ctotal", "cnos", "cnodes", "csockets",
        "pip", "sip", "role", "pinst_list", "sinst_list", "master_capable", "vm_capable", "ndparams",
        "group.uuid", .. Common,
    ];

    public static readonly IReadOnlyList<string> Group =
    [
        "alloc_policy", "name", "node_cnt", "node_list", "ipolicy", "custom_ipolicy", "diskparams",
        "custom_diskparams", "ndparams", "custom_ndparams", .. Common,
    ];

    public static readonly IReadOnlyList<string> Network =
    [
        "name", "network", "gateway", "network6", "gateway6", "mac_prefix", "free_count",
        "reserved_count", "map", "group_list", "inst_list", "external_reservations", .. Common,
    ];

    public static readonly IReadOnlyList<string> JobBulk =
        ["id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts"];

    public static readonly IReadOnlyList<string> Job = [.. JobBulk, "oplog", "opresult"];

    public static readonly IReadOnlyList<string> FilterRule =
        ["watermark", "priority", "predicates", "action", "reason_trail", "uuid"];

    public static readonly IReadOnlyList<string> OsBulk =
        ["name", "valid", "variants", "parameters", "api_versions", "blacklisted", "hidden", "trusted"];

    /// <summary>Resources /2/query/[resource] accepts (Ganeti's QR_VIA_RAPI).</summary>
    public static readonly IReadOnlyList<string> QueryResources =
        ["export", "filter", "group", "instance", "job", "lock", "network", "node"];

    public static readonly IReadOnlyList<string> Features =
        ["instance-create-reqv1", "instance-reinstall-reqv1", "node-evac-res1", "node-migrate-reqv1"];
}
