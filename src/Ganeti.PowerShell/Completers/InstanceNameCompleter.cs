using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Completers;

/// <summary>Completes instance names.</summary>
public sealed class InstanceNameCompleter : NameCompleter
{
    protected override string Kind => "instance";

    protected override async Task<IEnumerable<string>> FetchAsync(RapiClient client, CancellationToken ct) =>
        await client.GetInstanceNamesAsync(ct).ConfigureAwait(false);
}
