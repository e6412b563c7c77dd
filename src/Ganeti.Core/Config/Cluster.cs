using System.Text.Json;

namespace Ganeti.Core.Config;

/// <summary>Cluster-wide settings: the "cluster" section of config.data.</summary>
public sealed class Cluster : ConfigObject
{
    public string ClusterName { get; set; } = "";
    /// <summary>UUID of the master node.</summary>
    public string MasterNode { get; set; } = "";
    public string MasterIp { get; set; } = "";
    public string MasterNetdev { get; set; } = "";
    public int MasterNetmask { get; set; } = 32;
    public string MacPrefix { get; set; } = "aa:00:00";
    public string VolumeGroupName { get; set; } = "";
    public string FileStorageDir { get; set; } = "";
    public string SharedFileStorageDir { get; set; } = "";
    public string GlusterStorageDir { get; set; } = "";
    public List<string> EnabledHypervisors { get; set; } = [];
    public List<string> EnabledDiskTemplates { get; set; } = [];
    public Dictionary<string, Dictionary<string, JsonElement>> Hvparams { get; set; } = [];
    public Dictionary<string, Dictionary<string, Dictionary<string, JsonElement>>> OsHvp { get; set; } = [];
    public Dictionary<string, Dictionary<string, JsonElement>> Beparams { get; set; } = [];
    public Dictionary<string, Dictionary<string, JsonElement>> Osparams { get; set; } = [];
    public Dictionary<string, Dictionary<string, JsonElement>> OsparamsPrivateCluster { get; set; } = [];
    public Dictionary<string, Dictionary<string, JsonElement>> Nicparams { get; set; } = [];
    public Dictionary<string, JsonElement> Ndparams { get; set; } = [];
    public Dictionary<string, Dictionary<string, JsonElement>> Diskparams { get; set; } = [];
    public Dictionary<string, JsonElement> Ipolicy { get; set; } = [];
    public int CandidatePoolSize { get; set; } = 10;
    public int MaxRunningJobs { get; set; } = 20;
    public int MaxTrackedJobs { get; set; } = 25;
    public string DefaultIallocator { get; set; } = "";
    public Dictionary<string, JsonElement> DefaultIallocatorParams { get; set; } = [];
    public bool MaintainNodeHealth { get; set; }
    public bool PreallocWipeDisks { get; set; }
    public bool ModifyEtcHosts { get; set; }
    public bool ModifySshSetup { get; set; }
    public bool EnabledUserShutdown { get; set; }
    public int PrimaryIpFamily { get; set; } = 2;
    public int HighestUsedPort { get; set; }
    public List<int> TcpudpPortPool { get; set; } = [];
    public List<string> HiddenOs { get; set; } = [];
    public List<string> BlacklistedOs { get; set; } = [];
    public List<string> ReservedLvs { get; set; } = [];
    public string DrbdUsermodeHelper { get; set; } = "";
    public List<List<int>> UidPool { get; set; } = [];
    public string InstanceCommunicationNetwork { get; set; } = "";
    public string ZeroingImage { get; set; } = "";
    public List<string> CompressionTools { get; set; } = ["gzip", "gzip-fast", "gzip-slow"];
    public string InstallImage { get; set; } = "";
    public string SshKeyType { get; set; } = "rsa";
    public int SshKeyBits { get; set; } = 2048;

    /// <summary>Where OS definitions are looked for on the nodes, in order.</summary>
    public List<string> OsSearchPath { get; set; } = [];
}
