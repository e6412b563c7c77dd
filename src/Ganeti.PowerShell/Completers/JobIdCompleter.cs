using System.Globalization;
using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Completers;

/// <summary>Completes job ids, newest first.</summary>
public sealed class JobIdCompleter : NameCompleter
{
    protected override string Kind => "job";

    protected override async Task<IEnumerable<string>> FetchAsync(RapiClient client, CancellationToken ct) =>
        (await client.GetJobIdsAsync(ct).ConfigureAwait(false)).OrderByDescending(i => i).Select(i => i.ToString(CultureInfo.InvariantCulture));
}
