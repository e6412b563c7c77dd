using Ganeti.Core.Config;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers;
using Ganeti.NodeHelpers.Hypervisors;
using Ganeti.NodeHelpers.Hypervisors.Fake;
using Ganeti.NodeHelpers.Hypervisors.Kvm;
using Ganeti.NodeHelpers.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Daemon;

/// <summary>The node role of this machine: its hypervisors, storage and OS runner behind one dispatcher.</summary>
public static class LocalNode
{
    public static IReadOnlyList<IHypervisor> Hypervisors(GanetiPaths paths) =>
    [
        new FakeHypervisor(paths),
        new KvmHypervisor(paths),
    ];

    public static NodeContext Context(string nodeName, GanetiPaths paths, ConfigData? cfg) =>
        Context(nodeName, paths,
            paths.ResolveOsSearchPath(cfg is { Cluster.OsSearchPath.Count: > 0 } ? cfg.Cluster.OsSearchPath : GanetiPaths.DefaultOsSearchPath),
            cfg is null ? [] : [cfg.Cluster.FileStorageDir, cfg.Cluster.SharedFileStorageDir]);

    /// <summary>A node's context from the facts it needs, wherever they were read from.</summary>
    public static NodeContext Context(string nodeName, GanetiPaths paths, IReadOnlyList<string> osSearchPath,
        IEnumerable<string> fileStorageDirs) => new(nodeName, paths, Hypervisors(paths))
    {
        OsSearchPath = osSearchPath,
        AllowedFileStoragePaths = fileStorageDirs.Where(p => !string.IsNullOrEmpty(p)).ToList(),
    };

    /// <summary>
    /// The master's transports: its own node served in-process by this process's dispatcher,
    /// every other node over SSH with the cluster key and known_hosts under the master's root.
    /// </summary>
    public static Func<Node, INodeTransport> ClusterTransports(GanetiPaths paths, ConfigData cfg, Func<ConfigData> current,
        Master.Rpc.NodeSsh ssh)
    {
        var dispatcher = NodeServices.CreateDispatcher(Context(cfg.MasterNode.Name, paths, cfg));
        return Master.Rpc.ClusterTransports.Create(current, ssh, dispatcher.DispatchAsync);
    }

    /// <summary>A transport factory for the embedded single node: the master's own node is called in-process.</summary>
    public static Func<Node, INodeTransport> EmbeddedTransports(GanetiPaths paths, ConfigData cfg)
    {
        var master = cfg.Nodes[cfg.Cluster.MasterNode];
        var dispatcher = NodeServices.CreateDispatcher(Context(master.Name, paths, cfg));
        return node => node.Uuid == master.Uuid
            ? new InProcessTransport(node.Name, dispatcher.DispatchAsync)
            : throw new Core.Errors.GanetiException("OpExecError",
                $"Node {node.Name} is not reachable: only the master's own node is served in this setup", Core.Errors.ErrorCodes.Environment);
    }
}
