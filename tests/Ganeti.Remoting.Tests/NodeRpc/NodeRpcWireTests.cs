using System.Text;
using System.Text.Json.Nodes;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Remoting.Tests.NodeRpc;

public class NodeRpcWireTests
{
    [Fact]
    public void The_same_arguments_can_go_to_many_nodes_and_stay_where_they_are()
    {
        var args = new JsonObject { ["config"] = new JsonObject { ["serial_no"] = 7 } };
        var holder = new JsonObject { ["kept"] = args };

        var first = NodeRpcWire.EncodeRequest(1, "upload_file", args);
        var second = NodeRpcWire.EncodeRequest(2, "upload_file", args);

        Assert.Equal("""{"id":1,"procedure":"upload_file","args":{"config":{"serial_no":7}}}""" + "\n", Encoding.UTF8.GetString(first));
        Assert.Equal(2, NodeRpcWire.Decode(second)!.Value.Id);
        Assert.Same(holder, args.Parent);
        Assert.Equal("""{"id":3,"procedure":"version","args":null}""" + "\n", Encoding.UTF8.GetString(NodeRpcWire.EncodeRequest(3, "version", null)));
    }
}
