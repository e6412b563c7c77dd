using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Completers;

/// <summary>Completes node group names.</summary>
public sealed class GroupNameCompleter : NameCompleter
{
    protected override string Kind => "group";

    protected override async Task<IEnumerable<string>> FetchAsync(RapiClient client, CancellationToken ct) =>
        await client.GetGroupNamesAsync(ct).ConfigureAwait(false);
}
