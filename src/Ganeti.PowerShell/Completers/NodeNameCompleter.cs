using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Completers;

/// <summary>Completes node names.</summary>
public sealed class NodeNameCompleter : NameCompleter
{
    protected override string Kind => "node";

    protected override async Task<IEnumerable<string>> FetchAsync(RapiClient client, CancellationToken ct) =>
        await client.GetNodeNamesAsync(ct).ConfigureAwait(false);
}
