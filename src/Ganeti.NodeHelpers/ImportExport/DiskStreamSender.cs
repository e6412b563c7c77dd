using System.Net;
using System.Net.Sockets;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>The sending end of a disk stream between nodes: connects to the receiving node's listener.</summary>
public static class DiskStreamSender
{
    public static async Task<TransferResult> SendAsync(string host, int port, Stream source, string secret, DiskStream.Header header,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw GanetiException.Exec($"Cannot connect to the receiving node at {host}:{port}: {e.Message}");
        }
        await using var net = client.GetStream();
        var result = await DiskStream.SendAsync(source, net, DiskStream.SecretBytes(secret), header, progress, cancellationToken).ConfigureAwait(false);
        client.Client.Shutdown(SocketShutdown.Send);
        return result;
    }
}
