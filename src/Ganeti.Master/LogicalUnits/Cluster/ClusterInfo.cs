using System.Text.Json.Nodes;
using Ganeti.Core;
using Ganeti.Core.Config;
using Ganeti.Core.Json;

namespace Ganeti.Master.LogicalUnits.Cluster;

/// <summary>Ganeti's cluster information document (gnt-cluster info, RAPI /2/info).</summary>
public static class ClusterInfo
{
    public static JsonObject Build(ConfigData cfg)
    {
        var c = cfg.Cluster;
        JsonNode? N<T>(T v) => GanetiJson.ToNode(v);
        return new JsonObject
        {
            ["software_version"] = ProjectInfo.GanetiCompatVersion,
            ["protocol_version"] = ProjectInfo.RapiVersion,
            ["config_version"] = cfg.Version,
            ["os_api_version"] = 20,
            ["export_version"] = 0,
            ["vcs_version"] = $"GanetiCluster {ProjectInfo.Version}",
            ["architecture"] = N(new[] { System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), "64bit" }),
            ["name"] = c.ClusterName,
            ["master"] = cfg.Nodes.GetValueOrDefault(c.MasterNode)?.Name,
            ["default_hypervisor"] = c.EnabledHypervisors.FirstOrDefault(),
            ["enabled_hypervisors"] = N(c.EnabledHypervisors),
            ["hvparams"] = N(c.Hvparams.Where(kv => c.EnabledHypervisors.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value)),
            ["os_hvp"] = N(c.OsHvp),
            ["beparams"] = N(c.Beparams),
            ["osparams"] = N(c.Osparams),
            ["ipolicy"] = N(c.Ipolicy),
            ["nicparams"] = N(c.Nicparams),
            ["ndparams"] = N(c.Ndparams),
            ["diskparams"] = N(c.Diskparams),
            ["candidate_pool_size"] = c.CandidatePoolSize,
            ["max_running_jobs"] = c.MaxRunningJobs,
            ["max_tracked_jobs"] = c.MaxTrackedJobs,
            ["mac_prefix"] = c.MacPrefix,
            ["master_netdev"] = c.MasterNetdev,
            ["master_netmask"] = c.MasterNetmask,
            ["use_external_mip_script"] = false,
            ["volume_group_name"] = c.VolumeGroupName,
            ["drbd_usermode_helper"] = c.DrbdUsermodeHelper,
            ["file_storage_dir"] = c.FileStorageDir,
            ["shared_file_storage_dir"] = c.SharedFileStorageDir,
            ["gluster_storage_dir"] = c.GlusterStorageDir,
            ["maintain_node_health"] = c.MaintainNodeHealth,
            ["ctime"] = c.Ctime,
            ["mtime"] = c.Mtime,
            ["uuid"] = c.Uuid,
            ["tags"] = N(c.Tags),
            ["uid_pool"] = N(c.UidPool),
            ["default_iallocator"] = c.DefaultIallocator,
            ["default_iallocator_params"] = N(c.DefaultIallocatorParams),
            ["reserved_lvs"] = N(c.ReservedLvs),
            ["primary_ip_version"] = c.PrimaryIpFamily == 10 ? 6 : 4,
            ["prealloc_wipe_disks"] = c.PreallocWipeDisks,
            ["hidden_os"] = N(c.HiddenOs),
            ["blacklisted_os"] = N(c.BlacklistedOs),
            ["enabled_disk_templates"] = N(c.EnabledDiskTemplates),
            ["install_image"] = c.InstallImage,
            ["instance_communication_network"] = c.InstanceCommunicationNetwork,
            ["zeroing_image"] = c.ZeroingImage,
            ["compression_tools"] = N(c.CompressionTools),
            ["enabled_user_shutdown"] = c.EnabledUserShutdown,
            ["data_collectors"] = new JsonObject(),
            ["modify_etc_hosts"] = c.ModifyEtcHosts,
            ["modify_ssh_setup"] = c.ModifySshSetup,
            ["ssh_key_type"] = c.SshKeyType,
            ["ssh_key_bits"] = c.SshKeyBits,
            ["os_search_path"] = N(c.OsSearchPath),
        };
    }
}
