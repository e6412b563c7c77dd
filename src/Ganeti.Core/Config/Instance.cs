using System.Text.Json;

namespace Ganeti.Core.Config;

/// <summary>A virtual machine managed by the cluster.</summary>
public sealed class Instance : NamedConfigObject
{
    /// <summary>UUID of the primary node.</summary>
    public string PrimaryNode { get; set; } = "";
    public string Os { get; set; } = "";
    public string Hypervisor { get; set; } = "";
    /// <summary>Only the instance's own overrides; the effective set is layered from the cluster's.</summary>
    public Dictionary<string, JsonElement> Hvparams { get; set; } = [];
    public Dictionary<string, JsonElement> Beparams { get; set; } = [];
    public Dictionary<string, JsonElement> Osparams { get; set; } = [];
    public Dictionary<string, JsonElement> OsparamsPrivate { get; set; } = [];
    /// <summary>up, down or offline.</summary>
    public string AdminState { get; set; } = AdminStates.Down;
    /// <summary>admin or user: who set the admin state last.</summary>
    public string AdminStateSource { get; set; } = "admin";
    public List<Nic> Nics { get; set; } = [];
    /// <summary>UUIDs of this instance's disks, in order (the disks live in the top-level table).</summary>
    public List<string> Disks { get; set; } = [];
    public string DiskTemplate { get; set; } = "diskless";
    public bool DisksActive { get; set; }
    public int? NetworkPort { get; set; }
}

public static class AdminStates
{
    public const string Up = "up";
    public const string Down = "down";
    public const string Offline = "offline";
}
