using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>
/// Ganeti's hooks on a node: the executables in etc/ganeti/hooks/&lt;path&gt;-&lt;phase&gt;.d whose
/// names are letters, digits, '-' and '_' run in name order, each with the operation's
/// GANETI_* environment (and nothing else but PATH), stdin empty, the hooks directory as
/// working directory. Other files are skipped. One result per script: its name, success,
/// failure or skip, and its output.
/// </summary>
public static partial class HooksRpc
{
    public const string Success = "success";
    public const string Failure = "fail";
    public const string Skipped = "skip";

    /// <summary>How long one hook script may run.</summary>
    public static TimeSpan ScriptTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public static void Register(NodeRpcDispatcher d, NodeContext ctx)
    {
        d.Register(NodeProcedures.HooksRunner, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.HooksRunner);
            var hpath = RpcArgs.Get<string>(a, "hpath", NodeProcedures.HooksRunner);
            var phase = RpcArgs.Get<string>(a, "phase", NodeProcedures.HooksRunner);
            var env = RpcArgs.GetOptional<Dictionary<string, string>>(a, "env") ?? [];
            if (!SafeName().IsMatch(hpath) || phase is not ("pre" or "post"))
                throw Core.Errors.GanetiException.WrongInput($"Invalid hooks path '{hpath}' or phase '{phase}'");
            var results = new JsonArray();
            foreach (var (name, status, output) in await RunAsync(ctx, hpath, phase, env, ct).ConfigureAwait(false))
                results.Add(new JsonArray(name, status, output));
            return results;
        });
    }

    public static async Task<IReadOnlyList<(string Script, string Status, string Output)>> RunAsync(
        NodeContext ctx, string hpath, string phase, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        var dir = Path.Combine(ctx.Paths.HooksDir, $"{hpath}-{phase}.d");
        var results = new List<(string, string, string)>();
        if (!Directory.Exists(dir))
            return results;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = ProcessCommandRunner.DefaultPath,
            ["LC_ALL"] = "C",
        };
        foreach (var (k, v) in env.Where(e => e.Key.StartsWith("GANETI_", StringComparison.Ordinal)))
            environment[k] = v;
        // The node's own data directory, as each node knows it.
        environment["GANETI_DATA_DIR"] = ctx.Paths.DataDir;
        foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var executable = (Storage.Posix.GetMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
            if (!SafeName().IsMatch(name) || !executable)
            {
                results.Add((name, Skipped, ""));
                continue;
            }
            var result = await ProcessCommandRunner.Instance.RunAsync(new CommandSpec(file)
            {
                Environment = environment,
                WorkingDirectory = ctx.Paths.HooksDir,
                Timeout = ScriptTimeout,
            }, ct).ConfigureAwait(false);
            var output = (result.Stdout + result.Stderr).Trim();
            if (result.TimedOut) output = $"timed out after {ScriptTimeout.TotalSeconds:0} s" + (output.Length > 0 ? ": " + output : "");
            results.Add((name, result.Succeeded ? Success : Failure, output));
        }
        return results;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex SafeName();
}
