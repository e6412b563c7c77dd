using System.Net.Sockets;
using System.Text;

namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

/// <summary>The guest's serial console through qemu's serial socket: what socat does for gnt-instance console.</summary>
public sealed class SerialConsole : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly StringBuilder output = new();
    private readonly Task reader;
    private readonly CancellationTokenSource stop = new();

    private SerialConsole(Socket socket)
    {
        this.socket = socket;
        reader = Task.Run(ReadAsync);
    }

    public static async Task<SerialConsole> ConnectAsync(string socketPath, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
                return new SerialConsole(s);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                s.Dispose();
                await Task.Delay(100);
            }
        }
    }

    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    private async Task ReadAsync()
    {
        var buf = new byte[4096];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buf, SocketFlags.None, stop.Token);
                if (n == 0) return;
                lock (output) output.Append(Encoding.UTF8.GetString(buf, 0, n));
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Waits until the text has appeared after position <paramref name="from"/>; returns where it ends.</summary>
    public async Task<int> WaitForAsync(string text, TimeSpan timeout, int from = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var o = Output;
            var at = o.IndexOf(text, Math.Min(from, o.Length), StringComparison.Ordinal);
            if (at >= 0) return at + text.Length;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"'{text}' did not appear on the serial console within {timeout.TotalSeconds} s; output was:\n{o}");
            if (reader.IsCompleted && !o.Contains(text))
                throw new IOException($"Serial console closed before '{text}' appeared; output was:\n{o}");
            await Task.Delay(50);
        }
    }

    public async Task SendLineAsync(string line) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), SocketFlags.None);

    /// <summary>Runs a shell command in the guest and waits for a marker it prints.</summary>
    public async Task<string> RunAsync(string command, string expect, TimeSpan timeout)
    {
        var from = Output.Length;
        await SendLineAsync(command);
        var end = await WaitForAsync(expect, timeout, from);
        return Output[from..end];
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        socket.Dispose();
        try
        {
            await reader;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
    }
}
