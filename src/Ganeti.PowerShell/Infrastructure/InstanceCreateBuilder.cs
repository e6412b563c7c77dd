using System.Collections;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>New-GntInstance's parameters, as plain values.</summary>
public sealed class InstanceCreateParameters
{
    public required string Name { get; init; }
    public string? OS { get; init; }
    public string? DiskTemplate { get; init; }
    public string[]? DiskSize { get; init; }
    public string[]? Disk { get; init; }
    public string? Memory { get; init; }
    public int? VCpus { get; init; }
    public string[]? Nic { get; init; }
    public bool NoNic { get; init; }
    public string? PrimaryNode { get; init; }
    public string? SecondaryNode { get; init; }
    public string? Hypervisor { get; init; }
    public string? IAllocator { get; init; }
    public IDictionary? BackendParameter { get; init; }
    public IDictionary? HypervisorParameter { get; init; }
    public IDictionary? OSParameter { get; init; }
    public string[]? Tag { get; init; }
    public bool NoStart { get; init; }
    public bool NoInstall { get; init; }
    public bool NoNameCheck { get; init; }
    public bool NoIpCheck { get; init; }
    /// <summary>Import mode (Import-GntInstance): the node holding the export.</summary>
    public string? SourceNode { get; init; }
    /// <summary>Import mode: the export directory, or its name under the cluster's export directory.</summary>
    public string? SourcePath { get; init; }
    /// <summary>Import mode: transport compression of the disk data from another node.</summary>
    public string? Compress { get; init; }
}

/// <summary>Turns New-GntInstance's parameters into OP_INSTANCE_CREATE's, as gnt-instance add does.</summary>
public static class InstanceCreateBuilder
{
    public static InstanceCreateSpec Build(InstanceCreateParameters p)
    {
        var disks = new List<IReadOnlyDictionary<string, object?>>();
        if (p.Disk is { Length: > 0 })
        {
            foreach (var d in p.Disk.Where(s => !string.IsNullOrWhiteSpace(s)))
            {
                var parsed = KeyValueList.Parse(d);
                if (!parsed.ContainsKey("size") && !parsed.ContainsKey("adopt"))
                    throw new FormatException($"Disk '{d}' has no size.");
                disks.Add(parsed);
            }
        }
        else if (p.DiskSize is { Length: > 0 })
        {
            // A CSV cell "10G;20G" or "10G 20G" holds several disks.
            foreach (var s in p.DiskSize.SelectMany(x => x.Split([';', ' '], StringSplitOptions.RemoveEmptyEntries)))
                disks.Add(new Dictionary<string, object?> { ["size"] = SizeParser.ParseMiB(s) });
        }
        if (disks.Count > 0 && p.DiskTemplate == "diskless")
            throw new FormatException("A diskless instance cannot have disks; drop -DiskSize or choose another -DiskTemplate.");

        var nics = new List<IReadOnlyDictionary<string, object?>>();
        if (!p.NoNic)
        {
            if (p.Nic is { Length: > 0 })
                nics.AddRange(p.Nic.Where(s => s is not null).Select(s => (IReadOnlyDictionary<string, object?>)KeyValueList.Parse(s)));
            else
                nics.Add(new Dictionary<string, object?>());
        }

        return new InstanceCreateSpec
        {
            Name = p.Name,
            Mode = string.IsNullOrEmpty(p.SourcePath) ? "create" : "import",
            SourceNode = Empty(p.SourceNode),
            SourcePath = Empty(p.SourcePath),
            Compress = Empty(p.Compress),
            OS = string.IsNullOrEmpty(p.OS) ? null : p.OS,
            DiskTemplate = string.IsNullOrEmpty(p.DiskTemplate) ? (disks.Count == 0 ? "diskless" : null) : p.DiskTemplate,
            Disks = disks,
            Nics = nics,
            MemoryMB = string.IsNullOrEmpty(p.Memory) ? null : SizeParser.ParseMiB(p.Memory),
            VCpus = p.VCpus,
            BeParams = Plain(p.BackendParameter),
            HvParams = Plain(p.HypervisorParameter),
            OsParams = Plain(p.OSParameter),
            Hypervisor = Empty(p.Hypervisor),
            PrimaryNode = Empty(p.PrimaryNode),
            SecondaryNode = Empty(p.SecondaryNode),
            IAllocator = Empty(p.IAllocator),
            Start = p.NoStart ? false : null,
            NoInstall = p.NoInstall ? true : null,
            NameCheck = p.NoNameCheck ? false : null,
            IpCheck = p.NoNameCheck || p.NoIpCheck ? false : null,
            Tags = p.Tag?.Where(t => !string.IsNullOrEmpty(t)).ToList(),
        };
    }

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>A hashtable of parameters with lower-case keys and PowerShell wrappers removed, as Ganeti takes them.</summary>
    public static IReadOnlyDictionary<string, object?>? Plain(IDictionary? d)
    {
        if (d is null) return null;
        var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry e in d)
            result[e.Key.ToString()!.ToLowerInvariant()] = Unwrap(e.Value);
        return result;
    }

    /// <summary>PowerShell hands values wrapped in PSObject; the JSON writer needs the base object.</summary>
    private static object? Unwrap(object? v)
    {
        if (v is null) return null;
        var baseObject = v.GetType().GetProperty("BaseObject")?.GetValue(v);
        return baseObject ?? v;
    }
}
