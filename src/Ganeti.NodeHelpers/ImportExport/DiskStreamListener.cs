using System.Net;
using System.Net.Sockets;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>
/// Disk streams between nodes over TCP: the receiving node listens (on its replication
/// address, port 0 for any free one) and accepts exactly one sender.
/// </summary>
public sealed class DiskStreamListener : IDisposable
{
    private readonly TcpListener listener;

    public DiskStreamListener(IPAddress address, int port = 0)
    {
        listener = new TcpListener(address, port);
        listener.Start(1);
    }

    public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndpoint;

    /// <summary>Accepts one sender within the timeout and writes its disk data to destination.</summary>
    public async Task<(DiskStream.Header Header, TransferResult Result)> ReceiveAsync(Stream destination, string secret, TimeSpan acceptTimeout,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(acceptTimeout);
        TcpClient client;
        try
        {
            client = await listener.AcceptTcpClientAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw GanetiException.Exec($"No disk stream arrived on {EndPoint} within {acceptTimeout.TotalSeconds:0} s");
        }
        finally
        {
            listener.Stop();
        }
        using (client)
        {
            client.NoDelay = true;
            await using var net = client.GetStream();
            return await DiskStream.ReceiveAsync(net, destination, DiskStream.SecretBytes(secret), progress, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => listener.Dispose();
}
