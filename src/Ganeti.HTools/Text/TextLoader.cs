using System.Globalization;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Text;

/// <summary>
/// Parses Ganeti's htools text format: groups, nodes, instances, cluster tags and
/// ipolicies, separated by blank lines. Older files with fewer fields are accepted and
/// completed with Ganeti's defaults. The result is raw: call <see cref="ClusterLoader.Finish"/>.
/// </summary>
public static class TextLoader
{
    public static ClusterData Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        // Haskell's lines drops a final empty element after the trailing newline.
        int count = lines.Length;
        if (count > 0 && lines[count - 1].Length == 0) count--;
        var sections = new List<List<string>> { new() };
        for (int i = 0; i < count; i++)
        {
            if (lines[i].Length == 0) sections.Add(new List<string>());
            else sections[^1].Add(lines[i]);
        }
        if (sections.Count < 4)
            throw new TextFormatException($"Invalid format of the input file: {sections.Count} sections instead of 4 or more");

        var cd = new ClusterData();
        foreach (var line in sections[0]) cd.Groups.Add(LoadGroup(line.Split('|')));
        for (int i = 0; i < cd.Groups.Count; i++) cd.Groups[i].Index = i;
        var groupByUuid = new Dictionary<string, int>();
        foreach (var g in cd.Groups) groupByUuid[g.Uuid] = g.Index;

        foreach (var line in sections[1]) cd.Nodes.Add(LoadNode(line.Split('|'), groupByUuid));
        var nodeByName = new Dictionary<string, int>();
        for (int i = 0; i < cd.Nodes.Count; i++) { cd.Nodes[i].Index = i; nodeByName[cd.Nodes[i].Name] = i; }

        foreach (var line in sections[2]) cd.Instances.Add(LoadInstance(line.Split('|'), nodeByName));
        for (int i = 0; i < cd.Instances.Count; i++) cd.Instances[i].Index = i;

        cd.Tags.AddRange(sections[3]);
        if (sections.Count > 4)
        {
            foreach (var line in sections[4])
            {
                var (owner, pol) = LoadIPolicy(line.Split('|'));
                if (owner.Length == 0) cd.Policy = pol;
                else
                {
                    var g = cd.Groups.Find(x => x.Name == owner || x.Uuid == owner)
                        ?? throw new TextFormatException($"Unknown group '{owner}' in ipolicy");
                    g.Policy = pol;
                }
            }
        }
        return cd;
    }

    private static List<string> CommaSplit(string s) => s.Length == 0 ? new List<string>() : s.Split(',').ToList();

    private static T Read<T>(string owner, string value) where T : ISpanParsable<T>
    {
        if (T.TryParse(value, CultureInfo.InvariantCulture, out var r)) return r;
        throw new TextFormatException($"{owner}: cannot parse '{value}'");
    }

    private static Group LoadGroup(string[] f)
    {
        if (f.Length < 4) throw new TextFormatException($"Invalid/incomplete group data: '{string.Join("|", f)}'");
        return new Group
        {
            Name = f[0], Uuid = f[1], AllocPolicy = AllocPolicies.FromRaw(f[2]),
            Tags = CommaSplit(f[3]), Networks = f.Length > 4 ? CommaSplit(f[4]) : new List<string>(),
        };
    }

    private static Node LoadNode(string[] f, Dictionary<string, int> groups)
    {
        if (f.Length < 9) throw new TextFormatException($"Invalid/incomplete node data: '{string.Join("|", f)}'");
        string Field(int i, string def) => f.Length > i ? f[i] : def;
        string name = f[0];
        if (!groups.TryGetValue(f[8], out var gdx))
            throw new TextFormatException($"Unknown group '{f[8]}' for node {name}");
        if (f[1..7].Contains("?"))
            return NodeFactory.Create(name, 0, 0, 0, 0, 0, 0, 0, true, 0, 0, gdx, false);
        string exclRaw = Field(11, "N");
        bool excl = exclRaw switch
        {
            "Y" => true, "N" => false,
            _ => throw new TextFormatException($"Invalid exclusive_storage value for node '{name}': {exclRaw}"),
        };
        var node = NodeFactory.Create(name,
            Read<double>(name, f[1]), Read<int>(name, f[2]), Read<int>(name, f[3]),
            Read<double>(name, f[4]), Read<int>(name, f[5]), Read<double>(name, f[6]),
            Read<int>(name, Field(13, "1")), f[7] == "Y",
            Read<int>(name, Field(9, "1")), Read<int>(name, Field(12, "0")), gdx, excl);
        node.Tags = CommaSplit(Field(10, ""));
        node.State.CpuSpeed = Read<double>(name, Field(14, "1.0"));
        node.IsMaster = f[7] == "M";
        return node;
    }

    private static Instance LoadInstance(string[] f, Dictionary<string, int> nodes)
    {
        if (f.Length < 10) throw new TextFormatException($"Invalid/incomplete instance data: '{string.Join("|", f)}'");
        string Field(int i, string def) => f.Length > i ? f[i] : def;
        string name = f[0];
        int Lookup(string n) => nodes.TryGetValue(n, out var x) ? x
            : throw new TextFormatException($"Unknown node '{n}' for instance {name}");
        int pidx = Lookup(f[6]);
        int sidx = f[7].Length == 0 ? Instance.NoNode : Lookup(f[7]);
        bool autoBal = f[5] switch
        {
            "Y" => true, "N" => false,
            _ => throw new TextFormatException($"Invalid auto_balance value '{f[5]}' for instance {name}"),
        };
        DiskTemplate dt;
        try { dt = DiskTemplates.FromRaw(f[8]); }
        catch (FormatException e) { throw new TextFormatException($"Instance {name}: {e.Message}"); }
        string sp = Field(11, "-");
        int? spindles = sp == "-" ? null : Read<int>(name, sp);
        string fc = Field(12, "N");
        bool forthcoming = fc switch
        {
            "Y" => true, "N" => false,
            _ => throw new TextFormatException($"Invalid forthcoming value '{fc}' for instance {name}"),
        };
        int dsk = Read<int>(name, f[2]);
        var inst = new Instance
        {
            Name = name, Alias = name, Mem = Read<int>(name, f[1]), Dsk = dsk,
            Disks = new List<Disk> { new(dsk, spindles) }, Vcpus = Read<int>(name, f[3]),
            Status = InstanceStatuses.FromRaw(f[4]), AutoBalance = autoBal, PNode = pidx, SNode = sidx,
            DiskTemplate = dt, Tags = CommaSplit(f[9]), SpindleUse = Read<int>(name, Field(10, "1")),
            Forthcoming = forthcoming, Movable = DiskTemplates.SupportsMoves(dt),
        };
        if (inst.HasSecondary && sidx == pidx)
            throw new TextFormatException($"Instance {name} has same primary and secondary node - {f[6]}");
        return inst;
    }

    private static ISpec LoadISpec(string owner, string s)
    {
        var f = s.Split(',');
        if (f.Length < 6) throw new TextFormatException($"Invalid ispec data for {owner}: {s}");
        return new ISpec(Read<int>(owner + "/memsize", f[0]), Read<int>(owner + "/cpucount", f[1]),
            Read<int>(owner + "/disksize", f[2]), Read<int>(owner + "/diskcount", f[3]),
            Read<int>(owner + "/niccount", f[4]), Read<int>(owner + "/spindleuse", f[5]));
    }

    internal static (string Owner, IPolicy Policy) LoadIPolicy(string[] f)
    {
        if (f.Length < 6) throw new TextFormatException($"Invalid ipolicy data: '{string.Join("|", f)}'");
        string owner = f[0];
        var std = LoadISpec(owner + "/stdspec", f[1]);
        var specs = f[2].Length == 0 ? Array.Empty<string>() : f[2].Split(';');
        if (specs.Length % 2 != 0) throw new TextFormatException($"Odd number of min/max specs for {owner}");
        var minmax = new List<MinMaxISpecs>();
        for (int i = 0; i < specs.Length; i += 2)
            minmax.Add(new MinMaxISpecs(LoadISpec(owner + "/minspec", specs[i]), LoadISpec(owner + "/maxspec", specs[i + 1])));
        var dts = CommaSplit(f[3]).Select(DiskTemplates.FromRaw).ToList();
        return (owner, new IPolicy(minmax, std, dts, Read<double>(owner + "/vcpu_ratio", f[4]),
            Read<double>(owner + "/spindle_ratio", f[5])));
    }
}
