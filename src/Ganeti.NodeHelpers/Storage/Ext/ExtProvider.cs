using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Ext;

/// <summary>
/// An ExtStorage provider directory (man ganeti-extstorage-interface): required scripts
/// create, remove, grow, attach, detach, setinfo, verify; optional snapshot, open, close;
/// parameters.list. Every file must be regular and scripts u+x, as for OS definitions.
/// </summary>
public sealed record ExtProvider(string Name, string Path, IReadOnlyDictionary<string, string> Scripts,
    IReadOnlyList<(string Name, string Documentation)> Parameters)
{
    public static readonly IReadOnlyList<string> RequiredScripts = ["create", "remove", "grow", "attach", "detach", "setinfo", "verify"];
    public static readonly IReadOnlyList<string> OptionalScripts = ["snapshot", "open", "close"];
    public const string ParametersFile = "parameters.list";

    public string? Script(string name) => Scripts.TryGetValue(name, out var s) ? s : null;

    /// <summary>Loads the provider from the first directory of the search path that has it.</summary>
    public static ExtProvider Load(string name, IReadOnlyList<string> searchPath)
    {
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
            throw GanetiException.WrongInput($"Invalid ExtStorage provider name '{name}'");
        var dir = searchPath.Select(d => System.IO.Path.Combine(d, name)).FirstOrDefault(Directory.Exists)
            ?? throw GanetiException.Prereq(
                $"ExtStorage provider '{name}' not found in {string.Join(", ", searchPath)}", ErrorCodes.Environment);
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var script in RequiredScripts.Concat(OptionalScripts))
        {
            var path = System.IO.Path.Combine(dir, script);
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                if (RequiredScripts.Contains(script))
                    throw Invalid(name, $"script '{script}' under path '{dir}' is missing");
                continue;
            }
            if (!Posix.IsRegularFile(path))
                throw Invalid(name, $"script '{script}' under path '{dir}' is not a regular file");
            if ((Posix.GetMode(path) & UnixFileMode.UserExecute) == 0)
                throw Invalid(name, $"script '{script}' under path '{dir}' is not executable");
            scripts[script] = path;
        }
        var parametersFile = System.IO.Path.Combine(dir, ParametersFile);
        if (!Posix.IsRegularFile(parametersFile))
            throw Invalid(name, $"file '{ParametersFile}' under path '{dir}' is missing or not a regular file");
        var parameters = File.ReadAllLines(parametersFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var p = l.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return (p[0], p.Length > 1 ? p[1] : "");
            }).ToList();
        return new ExtProvider(name, dir, scripts, parameters);
    }

    private static GanetiException Invalid(string name, string why) =>
        GanetiException.Prereq($"Invalid ExtStorage provider '{name}': {why}", ErrorCodes.Environment);
}
