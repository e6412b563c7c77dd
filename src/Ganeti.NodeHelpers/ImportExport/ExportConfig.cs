using System.Globalization;
using System.Text;
using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Os;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>
/// Ganeti's export description, config.ini in the export directory next to the disk dumps:
/// sections export (version 0, timestamp, source node, os, compression), instance (name,
/// memory, vcpus, disk template, hypervisor, tags, nicN_*, diskN_ivname/dump/size/name,
/// counts), hypervisor, backend and os with the instance's parameters. A disk without a
/// diskN_dump entry (a swap area) is created empty on import.
/// </summary>
public sealed class ExportConfig
{
    public const string FileName = "config.ini";
    public const int Version = 0;

    private readonly List<(string Section, List<(string Key, string Value)> Items)> sections = [];

    public IReadOnlyList<string> Sections => [.. sections.Select(s => s.Section)];

    public string? Get(string section, string key) =>
        sections.FirstOrDefault(s => s.Section == section).Items?.LastOrDefault(i => i.Key == key).Value;

    public IReadOnlyDictionary<string, string> Section(string section) =>
        (sections.FirstOrDefault(s => s.Section == section).Items ?? []).ToDictionary(i => i.Key, i => i.Value);

    public void Set(string section, string key, string value)
    {
        var s = sections.FirstOrDefault(x => x.Section == section);
        if (s.Items is null)
        {
            s = (section, []);
            sections.Add(s);
        }
        s.Items.RemoveAll(i => i.Key == key);
        s.Items.Add((key, value));
    }

    /// <summary>One disk dump of an export: its file name in the export directory, or null when not exported.</summary>
    public sealed record DiskDump(string? FileName, long SizeMiB);

    public static ExportConfig Create(InstanceSpec instance, string sourceNode, string diskTemplate, IReadOnlyList<DiskDump> dumps,
        string compression, DateTimeOffset timestamp)
    {
        var c = new ExportConfig();
        c.Set("export", "version", Version.ToString(CultureInfo.InvariantCulture));
        c.Set("export", "timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        c.Set("export", "source", sourceNode);
        c.Set("export", "os", instance.Os);
        c.Set("export", "compression", compression);

        const string i = "instance";
        c.Set(i, "name", instance.Name);
        var maxmem = instance.MaxMemory.ToString(CultureInfo.InvariantCulture);
        c.Set(i, "maxmem", maxmem);
        c.Set(i, "minmem", instance.Beparams.TryGetValue("minmem", out var mm) ? OsEnvironment.Str(mm) : maxmem);
        c.Set(i, "memory", maxmem);
        c.Set(i, "vcpus", instance.Vcpus.ToString(CultureInfo.InvariantCulture));
        c.Set(i, "disk_template", diskTemplate);
        c.Set(i, "hypervisor", instance.Hypervisor);
        c.Set(i, "tags", string.Join(' ', instance.Tags));
        for (var n = 0; n < instance.Nics.Count; n++)
        {
            var nic = instance.Nics[n];
            c.Set(i, $"nic{n}_mac", nic.Mac);
            c.Set(i, $"nic{n}_ip", nic.Ip ?? "None");
            c.Set(i, $"nic{n}_mode", nic.Mode);
            c.Set(i, $"nic{n}_link", nic.Link);
            c.Set(i, $"nic{n}_vlan", nic.Vlan);
            c.Set(i, $"nic{n}_network", nic.NetworkName ?? "None");
            c.Set(i, $"nic{n}_name", nic.Name ?? "None");
        }
        c.Set(i, "nic_count", instance.Nics.Count.ToString(CultureInfo.InvariantCulture));
        for (var n = 0; n < instance.Disks.Count; n++)
        {
            c.Set(i, $"disk{n}_ivname", $"disk/{n}");
            if (n < dumps.Count && dumps[n].FileName is { } dump)
                c.Set(i, $"disk{n}_dump", dump);
            c.Set(i, $"disk{n}_size", (n < dumps.Count ? dumps[n].SizeMiB : instance.Disks[n].SizeMiB).ToString(CultureInfo.InvariantCulture));
            c.Set(i, $"disk{n}_name", instance.Disks[n].Name ?? "None");
            c.Set(i, $"disk{n}_mode", instance.Disks[n].Mode);
        }
        c.Set(i, "disk_count", instance.Disks.Count.ToString(CultureInfo.InvariantCulture));

        foreach (var (k, v) in instance.Hvparams.OrderBy(p => p.Key, StringComparer.Ordinal))
            c.Set("hypervisor", k, OsEnvironment.Str(v));
        foreach (var (k, v) in instance.Beparams.OrderBy(p => p.Key, StringComparer.Ordinal))
            c.Set("backend", k, OsEnvironment.Str(v));
        foreach (var (k, v) in instance.Osparams.OrderBy(p => p.Key, StringComparer.Ordinal))
            c.Set("os", k, OsEnvironment.Str(v));
        return c;
    }

    /// <summary>The INI text as Python's ConfigParser writes it ("key = value", a blank line after each section).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (section, items) in sections)
        {
            sb.Append('[').Append(section).Append("]\n");
            foreach (var (k, v) in items)
                sb.Append(k).Append(" = ").Append(v.Replace("\n", "\n\t")).Append('\n');
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static ExportConfig Parse(string text)
    {
        var c = new ExportConfig();
        string? section = null;
        string? lastKey = null;
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#') || line.TrimStart().StartsWith(';'))
                continue;
            if ((line[0] == ' ' || line[0] == '\t') && section is not null && lastKey is not null)
            {
                c.Set(section, lastKey, c.Get(section, lastKey) + "\n" + line.Trim());
                continue;
            }
            if (line.StartsWith('[') && line.TrimEnd().EndsWith(']'))
            {
                section = line.Trim()[1..^1];
                if (c.sections.All(s => s.Section != section))
                    c.sections.Add((section, []));
                lastKey = null;
                continue;
            }
            var sep = line.IndexOfAny(['=', ':']);
            if (section is null || sep <= 0)
                throw GanetiException.WrongInput($"Export description line {lineNo} is not valid: '{line}'");
            lastKey = line[..sep].Trim().ToLowerInvariant();
            c.Set(section, lastKey, line[(sep + 1)..].Trim());
        }
        return c;
    }

    /// <summary>Checks that this is an export we can import: version and the instance section.</summary>
    public void Validate()
    {
        if (Get("export", "version") != Version.ToString(CultureInfo.InvariantCulture))
            throw GanetiException.WrongInput($"Unsupported export version '{Get("export", "version")}' (expected {Version})");
        foreach (var key in new[] { "name", "disk_count", "nic_count" })
            if (Get("instance", key) is null)
                throw GanetiException.WrongInput($"Export description lacks instance.{key}");
    }

    public static JsonElement ToJson(ExportConfig c) => JsonSerializer.SerializeToElement(
        c.sections.ToDictionary(s => s.Section, s => s.Items.ToDictionary(i => i.Key, i => i.Value)));
}
