using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// Node RPC over OpenSSH, as PowerShell remoting over SSH does it: one long-lived
/// <c>ssh … ganetid node --stdio</c> client process per node, opened on the first call and
/// shared by all calls after it (see <see cref="NodeRpcChannel"/> for the multiplexing). When
/// the connection drops, the calls in flight fail with <see cref="NodeUnreachableException"/>
/// carrying ssh's own words (exit code, stderr) and the next call opens a new connection.
/// </summary>
public sealed class SshTransport : INodeTransport
{
    private readonly SshTransportOptions options;
    private readonly SemaphoreSlim connectLock = new(1, 1);
    private Connection? current;
    private int connections;
    private bool disposed;

    public SshTransport(string nodeName, string address, SshTransportOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (address.StartsWith('-')) throw new ArgumentException($"not a host address: {address}", nameof(address));
        NodeName = nodeName;
        Address = address;
        this.options = options;
    }

    public string NodeName { get; }

    public string Address { get; }

    /// <summary>SSH connections opened so far (1 while the first one lasts).</summary>
    public int ConnectionsOpened => Volatile.Read(ref connections);

    /// <summary>The current ssh client's process id, if one is running.</summary>
    public int? ProcessId => current is { Channel.IsOpen: true } c ? c.Process.Id : null;

    /// <summary>The ssh argument vector (after the program name).</summary>
    public IReadOnlyList<string> Arguments()
    {
        var o = options;
        var args = new List<string> { "-T", "-F", o.ConfigFile };
        void Opt(string key, string value) { args.Add("-o"); args.Add($"{key}={value}"); }
        Opt("BatchMode", "yes");
        Opt("IdentitiesOnly", "yes");
        Opt("IdentityAgent", "none");
        Opt("PreferredAuthentications", "publickey");
        Opt("UserKnownHostsFile", o.KnownHostsFile);
        Opt("GlobalKnownHostsFile", "/dev/null");
        Opt("StrictHostKeyChecking", "yes");
        Opt("UpdateHostKeys", "no");
        Opt("CheckHostIP", "no");
        Opt("ConnectTimeout", Seconds(o.ConnectTimeout));
        Opt("ServerAliveInterval", Seconds(o.ServerAliveInterval));
        Opt("ServerAliveCountMax", o.ServerAliveCountMax.ToString(CultureInfo.InvariantCulture));
        Opt("ControlMaster", "no");
        Opt("ControlPath", "none");
        Opt("ForwardAgent", "no");
        Opt("ForwardX11", "no");
        Opt("ClearAllForwardings", "yes");
        Opt("LogLevel", "ERROR");
        if (o.HostKeyAlias is { } alias) Opt("HostKeyAlias", alias);
        foreach (var extra in o.ExtraOptions)
        {
            args.Add("-o");
            args.Add(extra);
        }
        args.AddRange(["-i", o.IdentityFile, "-p", o.Port.ToString(CultureInfo.InvariantCulture), "-l", o.User, Address, "--"]);
        args.Add(string.Join(' ', o.RemoteCommand.Select(ShellQuote)));
        return args;
    }

    public async Task<JsonNode?> CallAsync(string procedure, JsonNode? args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Connection connection;
        try
        {
            connection = await ConnectAsync(procedure, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NodeUnreachableException(NodeName, procedure, $"no answer within {NodeRpcChannel.Seconds(timeout)} (waiting for the connection)");
        }
        var left = timeout - Stopwatch.GetElapsedTime(started);
        if (left <= TimeSpan.Zero)
            throw new NodeUnreachableException(NodeName, procedure, $"no answer within {NodeRpcChannel.Seconds(timeout)}");
        try
        {
            return await connection.Channel.CallAsync(procedure, args, left, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeUnreachableException e) when (connection.Channel.IsOpen && connection.Stderr() is { Length: > 0 } stderr)
        {
            // Timed out on a live process: whatever ssh said so far (e.g. still connecting) helps.
            throw new NodeUnreachableException(NodeName, procedure, $"no answer within {NodeRpcChannel.Seconds(timeout)}; ssh: {stderr}", e);
        }
    }

    private async Task<Connection> ConnectAsync(string procedure, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var c = current;
        if (c is { Channel.IsOpen: true }) return c;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await connectLock.WaitAsync(cts.Token).ConfigureAwait(false);
        Connection? old = null;
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            c = current;
            if (c is { Channel.IsOpen: true }) return c;
            old = c;
            current = c = Start(procedure);
            Interlocked.Increment(ref connections);
        }
        finally
        {
            connectLock.Release();
        }
        if (old is not null) _ = old.DisposeAsync().AsTask();
        return c;
    }

    private Connection Start(string procedure)
    {
        var psi = new ProcessStartInfo(options.SshPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments()) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new NodeUnreachableException(NodeName, procedure, $"cannot start {options.SshPath}: {e.Message}", e);
        }
        return new Connection(NodeName, process, options);
    }

    /// <summary>Closes the current connection, if any; the next call opens a new one.</summary>
    public async Task DisconnectAsync()
    {
        await connectLock.WaitAsync().ConfigureAwait(false);
        var c = current;
        current = null;
        connectLock.Release();
        if (c is not null) await c.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await connectLock.WaitAsync().ConfigureAwait(false);
        disposed = true;
        var c = current;
        current = null;
        connectLock.Release();
        if (c is not null) await c.DisposeAsync().ConfigureAwait(false);
    }

    private static string Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>POSIX shell quoting for one word of the remote command line (ssh passes a string to the node's shell).</summary>
    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_./=:,+@%".Contains(ch))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>One ssh client process and the channel over its stdin/stdout.</summary>
    private sealed class Connection : IAsyncDisposable
    {
        private readonly StringBuilder stderr = new();
        private readonly int stderrLimit;
        private readonly Task stderrPump;

        public Connection(string nodeName, Process process, SshTransportOptions options)
        {
            Process = process;
            stderrLimit = options.StderrLimit;
            stderrPump = PumpStderrAsync(process.StandardError);
            Channel = new NodeRpcChannel(nodeName, process.StandardOutput.BaseStream, process.StandardInput.BaseStream,
                new NodeRpcChannelOptions { MaxFrameBytes = options.MaxFrameBytes, DescribeLoss = DescribeLossAsync });
        }

        public Process Process { get; }

        public NodeRpcChannel Channel { get; }

        public string Stderr()
        {
            string text;
            lock (stderr) text = stderr.ToString();
            // ssh frames its host key warning in lines of '@'; the words are what matters.
            var lines = text.ReplaceLineEndings("\n").Split('\n')
                .Select(l => l.Trim().Trim('@').Trim())
                .Where(l => l.Length > 0);
            return string.Join("; ", lines);
        }

        private async Task PumpStderrAsync(StreamReader reader)
        {
            var buf = new char[1024];
            try
            {
                int n;
                while ((n = await reader.ReadAsync(buf).ConfigureAwait(false)) > 0)
                {
                    lock (stderr)
                    {
                        stderr.Append(buf, 0, n);
                        if (stderr.Length > stderrLimit) stderr.Remove(0, stderr.Length - stderrLimit);
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The process is gone.
            }
        }

        private async Task<string?> DescribeLossAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                await stderrPump.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                var soFar = Stderr();
                return soFar.Length > 0 ? $"ssh: {soFar}" : null;
            }
            var text = Stderr();
            var code = Process.ExitCode;
            var what = code == 255 ? "ssh exited with code 255" : $"the node command exited with code {code}";
            return text.Length > 0 ? $"{what}: {text}" : what;
        }

        public async ValueTask DisposeAsync()
        {
            await Channel.DisposeAsync().ConfigureAwait(false); // closes ssh's stdin: the node sees end of input
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await Process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    Process.Kill();
                }
                catch (InvalidOperationException)
                {
                    // Exited meanwhile.
                }
            }
            Process.Dispose();
        }
    }
}
