using System.Globalization;
using System.Net;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;

namespace Ganeti.NodeHelpers.MasterRole;

/// <summary>
/// The cluster's master IP: a secondary address on the master network device of whichever node
/// is master (Ganeti's master_ip, master_netdev, master_netmask). Adding an address the node
/// already has, or removing one it does not have, is not an error: failover must be repeatable.
/// </summary>
public sealed class MasterIp(ICommandRunner runner, string ipTool = "ip")
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Checks the three facts and returns "ADDRESS/BITS".</summary>
    public static string Prefix(string address, int netmask, string netdev)
    {
        // IPAddress also takes "10.1.0" (10.1.0.0) and "167772261": only the usual forms are addresses here.
        if (!IPAddress.TryParse(address, out var ip) ||
            (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.Split('.').Length != 4))
            throw GanetiException.WrongInput($"The master IP '{address}' is not an IP address");
        var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        if (netmask < 1 || netmask > max)
            throw GanetiException.WrongInput($"The master netmask {netmask} is not between 1 and {max} for {address}");
        if (string.IsNullOrEmpty(netdev) || netdev.Length > 15 || netdev.Any(c => char.IsWhiteSpace(c) || c == '/'))
            throw GanetiException.WrongInput($"The master network device '{netdev}' is not a valid interface name");
        return $"{ip}/{netmask.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Whether some interface of this node has exactly this address.</summary>
    public async Task<bool> IsConfiguredAsync(string address, CancellationToken cancellationToken)
    {
        var ip = IPAddress.Parse(address);
        var r = await runner.RunCheckedAsync(new CommandSpec(ipTool, "-o", "addr", "show") { Timeout = Timeout },
            "Cannot list this node's addresses", cancellationToken).ConfigureAwait(false);
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + 1 < f.Length; i++)
                if (f[i] is "inet" or "inet6" && IPAddress.TryParse(f[i + 1].Split('/')[0], out var have) && have.Equals(ip))
                    return true;
        }
        return false;
    }

    /// <summary>Adds the master IP unless the node has it already. Returns true when it was added.</summary>
    public async Task<bool> ActivateAsync(string address, int netmask, string netdev, CancellationToken cancellationToken)
    {
        var prefix = Prefix(address, netmask, netdev);
        if (await IsConfiguredAsync(address, cancellationToken).ConfigureAwait(false)) return false;
        var r = await runner.RunAsync(new CommandSpec(ipTool, "addr", "add", prefix, "dev", netdev, "label", Label(netdev)) { Timeout = Timeout },
            cancellationToken).ConfigureAwait(false);
        if (!r.Succeeded && !r.Stderr.Contains("File exists", StringComparison.Ordinal))
            throw new GanetiException("OpExecError", $"Cannot add the master IP {prefix} on {netdev}: {r.FailureReason}", ErrorCodes.Environment);
        // Neighbours still map the address to the old master's MAC: tell them (best effort, as Ganeti does).
        if (IPAddress.Parse(address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            await runner.RunAsync(new CommandSpec("arping", "-q", "-U", "-c", "2", "-I", netdev, address) { Timeout = TimeSpan.FromSeconds(5) },
                cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes the master IP if the node has it. Returns true when it was removed.</summary>
    public async Task<bool> DeactivateAsync(string address, int netmask, string netdev, CancellationToken cancellationToken)
    {
        var prefix = Prefix(address, netmask, netdev);
        if (!await IsConfiguredAsync(address, cancellationToken).ConfigureAwait(false)) return false;
        var r = await runner.RunAsync(new CommandSpec(ipTool, "addr", "del", prefix, "dev", netdev) { Timeout = Timeout },
            cancellationToken).ConfigureAwait(false);
        if (!r.Succeeded && !r.Stderr.Contains("Cannot assign requested address", StringComparison.Ordinal))
            throw new GanetiException("OpExecError", $"Cannot remove the master IP {prefix} from {netdev}: {r.FailureReason}", ErrorCodes.Environment);
        return true;
    }

    // Ganeti labels the master address DEV:0 so that it stands out in `ip addr`.
    private static string Label(string netdev) => netdev.Length <= 13 ? netdev + ":0" : netdev;
}
