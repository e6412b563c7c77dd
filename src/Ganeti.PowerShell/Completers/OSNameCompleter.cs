using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Completers;

/// <summary>Completes OS names, variants included.</summary>
public sealed class OSNameCompleter : NameCompleter
{
    protected override string Kind => "os";

    protected override async Task<IEnumerable<string>> FetchAsync(RapiClient client, CancellationToken ct) =>
        (await client.GetOperatingSystemsAsync(ct).ConfigureAwait(false)).Select(o => o.Name);
}
