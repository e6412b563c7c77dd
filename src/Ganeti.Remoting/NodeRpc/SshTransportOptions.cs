namespace Ganeti.Remoting.NodeRpc;

/// <summary>How the master's OpenSSH client reaches nodes: the cluster's own key and known_hosts, never the user's.</summary>
public sealed record SshTransportOptions
{
    /// <summary>The ssh client program.</summary>
    public string SshPath { get; init; } = "ssh";

    /// <summary>The cluster's private key (ssh -i); no other identity is offered.</summary>
    public required string IdentityFile { get; init; }

    /// <summary>The cluster's known_hosts; a node whose host key is not in it is refused.</summary>
    public required string KnownHostsFile { get; init; }

    public int Port { get; init; } = 22;

    public string User { get; init; } = "root";

    /// <summary>
    /// The command run on the node, one argument per element; quoted for the remote shell here.
    /// A node normally forces this command for the cluster key anyway.
    /// </summary>
    public IReadOnlyList<string> RemoteCommand { get; init; } = ["ganetid", "node", "--stdio"];

    /// <summary>Name the host key is looked up under in known_hosts (ssh HostKeyAlias); null: the address.</summary>
    public string? HostKeyAlias { get; init; }

    /// <summary>The ssh configuration file; "none" reads none, so a user's ~/.ssh/config cannot change the transport.</summary>
    public string ConfigFile { get; init; } = "none";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keepalives: a connection that stops answering is dropped after interval × count.</summary>
    public TimeSpan ServerAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    public int ServerAliveCountMax { get; init; } = 3;

    /// <summary>More <c>-o Key=Value</c> options, appended after ours.</summary>
    public IReadOnlyList<string> ExtraOptions { get; init; } = [];

    public int MaxFrameBytes { get; init; } = NodeRpcWire.DefaultMaxFrameBytes;

    /// <summary>Bytes of the ssh client's stderr kept for error messages.</summary>
    public int StderrLimit { get; init; } = 4096;
}
