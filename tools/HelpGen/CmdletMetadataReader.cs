using System.Reflection;
using System.Runtime.InteropServices;

namespace Ganeti.HelpGen;

/// <summary>
/// Reads cmdlets from a built module assembly with MetadataLoadContext: nothing is executed,
/// so neither PowerShell nor the module's dependencies need to load.
/// </summary>
public sealed class CmdletMetadataReader : IDisposable
{
    public const string AllSets = "__AllParameterSets";
    private static readonly string[] CommonParameters =
    [
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    ];

    private readonly MetadataLoadContext _context;

    public CmdletMetadataReader(string assemblyPath, IEnumerable<string>? extraSearchPaths = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!;
        var paths = new List<string>(Directory.GetFiles(dir, "*.dll"));
        paths.AddRange(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
        foreach (var extra in extraSearchPaths ?? [])
            if (File.Exists(extra)) paths.Add(extra);
            else if (Directory.Exists(extra)) paths.AddRange(Directory.GetFiles(extra, "*.dll"));
        var unique = paths.GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First());
        _context = new MetadataLoadContext(new PathAssemblyResolver(unique));
        Assembly = _context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
    }

    public Assembly Assembly { get; }

    /// <summary>An assembly the module references, loaded into the same inspection context.</summary>
    public Assembly LoadReference(string name) => _context.LoadFromAssemblyName(name);

    /// <summary>A type of the module or of any assembly it references.</summary>
    public Type? FindType(string fullName)
    {
        if (Assembly.GetType(fullName) is { } own) return own;
        foreach (var reference in Assembly.GetReferencedAssemblies())
        {
            try
            {
                if (_context.LoadFromAssemblyName(reference).GetType(fullName) is { } t) return t;
            }
            catch (FileNotFoundException)
            {
                // Framework facades that are not present do not hold our types.
            }
        }
        return null;
    }

    /// <summary>Where PowerShellStandard's reference assembly sits in the NuGet cache, for resolving attribute types.</summary>
    public static string? FindPowerShellStandard()
    {
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var root = Path.Combine(home, "powershellstandard.library");
        if (!Directory.Exists(root)) return null;
        return Directory.GetFiles(root, "System.Management.Automation.dll", SearchOption.AllDirectories).OrderDescending().FirstOrDefault();
    }

    public IReadOnlyList<CmdletMetadata> ReadCmdlets()
    {
        var result = new List<CmdletMetadata>();
        foreach (var type in Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && t.IsPublic))
        {
            var cmdlet = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");
            if (cmdlet is null) continue;
            var named = cmdlet.NamedArguments.ToDictionary(n => n.MemberName, n => n.TypedValue.Value);
            var outputs = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value switch
                {
                    IEnumerable<CustomAttributeTypedArgument> items => items.Select(i => i.Value),
                    var v => [v],
                })
                .Select(v => v switch { Type t => t.FullName!, string s => s, _ => v?.ToString() ?? "" })
                .ToList();
            result.Add(new CmdletMetadata(
                (string)cmdlet.ConstructorArguments[0].Value!,
                (string)cmdlet.ConstructorArguments[1].Value!,
                type.FullName!,
                named.TryGetValue("SupportsShouldProcess", out var sp) && sp is true,
                named.TryGetValue("ConfirmImpact", out var ci) && ci is int impact ? ((string[])["None", "Low", "Medium", "High"])[impact] : "Medium",
                named.TryGetValue("DefaultParameterSetName", out var dps) ? dps as string : null,
                outputs,
                ReadParameters(type)));
        }
        return result.OrderBy(c => c.Noun).ThenBy(c => c.Verb).ToList();
    }

    private static List<ParameterMetadata> ReadParameters(Type type)
    {
        var list = new List<ParameterMetadata>();
        // Base-class parameters (e.g. -Connection) come last, like PowerShell's syntax lines.
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(p => Depth(type, p.DeclaringType!)).ThenBy(p => p.MetadataToken);
        foreach (var prop in props)
        {
            var attrs = prop.GetCustomAttributesData();
            var parameterAttrs = attrs.Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute").ToList();
            if (parameterAttrs.Count == 0 || CommonParameters.Contains(prop.Name)) continue;
            var sets = parameterAttrs.Select(a =>
            {
                var n = a.NamedArguments.ToDictionary(x => x.MemberName, x => x.TypedValue.Value);
                return new ParameterSetMetadata(
                    n.TryGetValue("ParameterSetName", out var s) && s is string set ? set : AllSets,
                    n.TryGetValue("Mandatory", out var m) && m is true,
                    n.TryGetValue("Position", out var p) && p is int pos && pos >= 0 ? pos : null,
                    n.TryGetValue("ValueFromPipeline", out var bv) && bv is true,
                    n.TryGetValue("ValueFromPipelineByPropertyName", out var bp) && bp is true);
            }).ToList();
            var aliases = attrs.Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => (string)i.Value!) : [(string)arg.Value!])
                .ToList();
            var valid = attrs.Where(a => a.AttributeType.FullName == "System.Management.Automation.ValidateSetAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => (string)i.Value!) : [(string)arg.Value!])
                .ToList();
            var propType = prop.PropertyType;
            if (propType.IsGenericType && propType.GetGenericTypeDefinition().FullName == "System.Nullable`1")
                propType = propType.GetGenericArguments()[0];
            if (propType.IsEnum && valid.Count == 0)
                valid = propType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList();
            list.Add(new ParameterMetadata(
                prop.Name,
                TypeDisplayName(propType),
                aliases,
                attrs.Any(a => a.AttributeType.FullName == "System.Management.Automation.SupportsWildcardsAttribute"),
                propType.FullName == "System.Management.Automation.SwitchParameter",
                sets,
                valid));
        }
        return list;
    }

    private static int Depth(Type type, Type declaring)
    {
        var depth = 0;
        for (var t = type; t is not null && t != declaring; t = t.BaseType) depth++;
        return depth;
    }

    /// <summary>The type as platyPS prints it: String[], Int32, SwitchParameter, PSCredential, ...</summary>
    public static string TypeDisplayName(Type t) =>
        t.IsArray ? TypeDisplayName(t.GetElementType()!) + "[]" : t.Name;

    public void Dispose() => _context.Dispose();
}
