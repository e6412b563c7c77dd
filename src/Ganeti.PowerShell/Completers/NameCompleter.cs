using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Completers;

/// <summary>
/// Completes names from the connection's short-lived cache; only a missing or stale entry asks
/// the master, with a two-second limit, so Tab never hangs on an unreachable cluster.
/// </summary>
public abstract class NameCompleter : IArgumentCompleter
{
    private static readonly TimeSpan FetchLimit = TimeSpan.FromSeconds(2);

    protected abstract string Kind { get; }

    protected abstract Task<IEnumerable<string>> FetchAsync(RapiClient client, CancellationToken ct);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = fakeBoundParameters["Connection"] as GntConnection
                         ?? (fakeBoundParameters["Connection"] as PSObject)?.BaseObject as GntConnection
                         ?? GntSession.Default;
        if (connection is not { IsOpen: true })
            return [];
        var names = connection.Cache.GetOrFetch(Kind, ct => FetchAsync(connection.Client, ct), FetchLimit);
        return CompletionCache.Filter(names, wordToComplete)
            .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n));
    }

    private static string Quote(string s) =>
        s.IndexOfAny([' ', '$', '`', '\'', '"', ';', '(', ')', '{', '}', ',', '&', '|', '@', '#']) >= 0 ? $"'{s.Replace("'", "''")}'" : s;
}
