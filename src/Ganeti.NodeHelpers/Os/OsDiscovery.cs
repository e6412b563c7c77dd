using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Storage;

namespace Ganeti.NodeHelpers.Os;

/// <summary>
/// Finds and checks OS definitions on the search path as Ganeti does: the first search
/// directory holding a directory named after the OS wins; the definition must declare an API
/// version we speak and carry every file that version requires, regular and (scripts) u+x.
/// Definitions are never copied between nodes; cluster verify compares what each node finds.
/// </summary>
public sealed class OsDiscovery(Func<IReadOnlyList<string>> searchPath)
{
    public OsDiscovery(NodeContext context) : this(() => context.OsSearchPath)
    {
    }

    public OsDiscovery(IReadOnlyList<string> searchPath) : this(() => searchPath)
    {
    }

    public IReadOnlyList<string> SearchPath => searchPath();

    /// <summary>The directory of the OS (variant ignored), or null when no search directory has it.</summary>
    public string? Locate(string name)
    {
        var baseName = OsName.Base(name);
        if (!IsPlainName(baseName))
            return null;
        return SearchPath.Select(dir => Path.Combine(dir, baseName)).FirstOrDefault(Directory.Exists);
    }

    /// <summary>The valid definition of an OS, or a GanetiException saying what is wrong.</summary>
    public OsDefinition Get(string name)
    {
        var dir = Locate(name)
            ?? throw GanetiException.Prereq(
                $"OS '{OsName.Base(name)}' not found in the OS search path ({string.Join(", ", SearchPath)})",
                ErrorCodes.UnknownEntity);
        var (os, error) = Load(OsName.Base(name), dir);
        return os ?? throw GanetiException.Prereq($"Invalid OS '{OsName.Base(name)}': {error}", ErrorCodes.Environment);
    }

    /// <summary>The definition and the variant to use for a full OS name (os+variant).</summary>
    public (OsDefinition Os, string Variant) GetWithVariant(string name)
    {
        var os = Get(name);
        var variant = OsName.Variant(name);
        if (os.ApiVersion < OsScripts.ApiV15 || os.Variants.Count == 0)
        {
            if (variant is not null)
                throw GanetiException.WrongInput($"OS '{os.Name}' does not support variants ('{variant}' given)");
            return (os, "");
        }
        if (variant is null)
            return (os, os.Variants[0]);
        if (!os.Variants.Contains(variant))
            throw GanetiException.WrongInput(
                $"OS '{os.Name}' does not support variant '{variant}' (it has: {string.Join(", ", os.Variants)})");
        return (os, variant);
    }

    /// <summary>
    /// Every OS directory on the search path, in search order. A name found in several
    /// directories is listed each time; the first is the one in use, the others are shadowed.
    /// </summary>
    public IReadOnlyList<OsDiagnosis> Diagnose()
    {
        var result = new List<OsDiagnosis>();
        foreach (var dir in SearchPath)
        {
            if (!Directory.Exists(dir))
                continue;
            IEnumerable<string> names;
            try
            {
                names = Directory.EnumerateDirectories(dir).Select(Path.GetFileName).OfType<string>()
                    .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var name in names)
            {
                var path = Path.Combine(dir, name);
                var (os, error) = Load(name, path);
                result.Add(os is not null ? OsDiagnosis.Valid(os) : OsDiagnosis.Invalid(name, path, error!));
            }
        }
        return result;
    }

    /// <summary>Ganeti's _TryOSFromDisk: the definition in dir, or why it is not valid.</summary>
    public static (OsDefinition? Os, string? Error) Load(string name, string dir)
    {
        var apiFile = Path.Combine(dir, OsScripts.ApiVersionFile);
        if (!File.Exists(apiFile))
            return (null, $"Required file '{OsScripts.ApiVersionFile}' not found under path {dir}");
        if (!IsRegular(apiFile))
            return (null, $"File '{OsScripts.ApiVersionFile}' at {dir} is not a regular file");
        List<int> versions;
        try
        {
            versions = [.. ReadLines(apiFile).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is FormatException or OverflowException or IOException)
        {
            return (null, $"Error while reading the API version file at {apiFile}: {e.Message}");
        }
        if (!versions.Any(OsScripts.ApiVersions.Contains))
            return (null, $"API version mismatch for path '{dir}': found [{string.Join(", ", versions)}], want one of [{string.Join(", ", OsScripts.ApiVersions)}]");
        var max = versions.Where(OsScripts.ApiVersions.Contains).Max();

        // Required (true) or optional (false), as Ganeti's os_files table.
        var files = new Dictionary<string, bool>(StringComparer.Ordinal)
        {
            [OsScripts.Create] = false,
            [OsScripts.CreateUntrusted] = false,
            [OsScripts.Import] = true,
            [OsScripts.Export] = true,
            [OsScripts.Rename] = true,
        };
        if (max >= OsScripts.ApiV15)
            files[OsScripts.VariantsFile] = false;
        if (max >= OsScripts.ApiV20)
        {
            files[OsScripts.ParametersFile] = true;
            files[OsScripts.Verify] = true;
        }

        var present = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, required) in files)
        {
            var path = Path.Combine(dir, file);
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                if (required)
                    return (null, $"File '{file}' under path '{dir}' is missing");
                continue;
            }
            if (!IsRegular(path))
                return (null, $"File '{file}' under path '{dir}' is not a regular file");
            if (OsScripts.All.Contains(file) && (Posix.GetMode(path) & UnixFileMode.UserExecute) == 0)
                return (null, $"File '{file}' under path '{dir}' is not executable");
            present[file] = path;
        }
        if (!present.ContainsKey(OsScripts.Create) && !present.ContainsKey(OsScripts.CreateUntrusted))
            return (null, $"A create script (trusted or untrusted) under path '{dir}' must exist");

        List<string> variants = [];
        if (present.TryGetValue(OsScripts.VariantsFile, out var variantsFile))
        {
            try
            {
                variants = [.. ReadLines(variantsFile)];
            }
            catch (IOException e)
            {
                return (null, $"Error while reading the OS variants file at {variantsFile}: {e.Message}");
            }
            if (variants.Count == 0)
                return (null, $"No supported OS variant found in {variantsFile}");
        }
        List<OsParameter> parameters = [];
        if (present.TryGetValue(OsScripts.ParametersFile, out var parametersFile))
        {
            try
            {
                parameters = [.. ReadLines(parametersFile).Select(l =>
                {
                    var parts = l.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    return new OsParameter(parts[0], parts.Length > 1 ? parts[1] : "");
                })];
            }
            catch (IOException e)
            {
                return (null, $"Error while reading the OS parameters file at {parametersFile}: {e.Message}");
            }
        }

        var scripts = present.Where(p => OsScripts.All.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return (new OsDefinition
        {
            Name = name,
            Path = dir,
            ApiVersions = versions,
            Variants = variants,
            Parameters = parameters,
            Scripts = scripts,
        }, null);
    }

    /// <summary>
    /// SHA-256 (hex) over the definition's files that exist in dir (API version file, scripts,
    /// variants and parameters lists), each as its name, a NUL, its length and its bytes, in
    /// name order: equal on two nodes exactly when they would run the same definition.
    /// </summary>
    public static string Checksum(string dir)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in DefinitionFiles.Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(dir, file);
            if (!IsRegular(path))
                continue;
            var bytes = File.ReadAllBytes(path);
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{file}\0{bytes.Length}\0"));
            sha.AppendData(bytes);
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    private static readonly IReadOnlyList<string> DefinitionFiles =
        [OsScripts.ApiVersionFile, OsScripts.VariantsFile, OsScripts.ParametersFile, .. OsScripts.All];

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.Contains('/') && !name.Contains('\0');

    // Follows links, as Ganeti's os.stat does; directories, devices and pipes are refused.
    private static bool IsRegular(string path) => Posix.IsRegularFile(path);

    /// <summary>Lines without surrounding blanks, empty lines and '#' comments (Ganeti's FilterEmptyLinesAndComments).</summary>
    private static IEnumerable<string> ReadLines(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
}
