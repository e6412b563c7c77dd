using Ganeti.Core.Config;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Rpc;

/// <summary>The master's transports: its own node in-process, every other node over SSH.</summary>
public static class ClusterTransports
{
    public static Func<Node, INodeTransport> Create(Func<ConfigData> config, NodeSsh ssh, NodeRpcHandler local) =>
        node =>
        {
            var cfg = config();
            return node.Uuid == cfg.Cluster.MasterNode
                ? new InProcessTransport(node.Name, local)
                : ssh.Transport(cfg, node);
        };
}
