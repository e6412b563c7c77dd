using System.Globalization;

namespace Ganeti.HTools.Cli;

/// <summary>Command-line options shared by the htools personalities (Ganeti's names and defaults).</summary>
public sealed class CliOptions
{
    public string? TextFile { get; set; }
    public string? IAllocSrc { get; set; }
    public string? PrintCommands { get; set; }
    public bool PrintJobsJson { get; set; }
    public string? PrintNodes { get; set; }
    public bool PrintInstances { get; set; }
    public bool EvacMode { get; set; }
    public bool RestrictedMigration { get; set; }
    public string? Group { get; set; }
    public int MaxLength { get; set; } = -1;
    public int Verbose { get; set; } = 1;
    public List<string> OfflineNodes { get; } = new();
    public double MinScore { get; set; } = 1e-9;
    public double? MaxCpu { get; set; }
    public double MinDisk { get; set; }
    public double MinGain { get; set; } = 1e-2;
    public double MinGainLimit { get; set; } = 1e-1;
    public bool NoDiskMoves { get; set; }
    public bool NoInstanceMoves { get; set; }
    public List<string> SelectInstances { get; } = new();
    public List<string> ExcludeInstances { get; } = new();
    public List<string> ExclusionTags { get; } = new();
    public bool IgnoreSoftErrors { get; set; }
    public bool IgnoreDynu { get; set; }
    public string? SaveCluster { get; set; }
    public bool MachineReadable { get; set; }
    public string? StandardAlloc { get; set; }
    public string? TieredAlloc { get; set; }
    public string? DiskTemplate { get; set; }
    public int? SpindleUse { get; set; }
    public bool IndependentGroups { get; set; }
    public bool AcceptExisting { get; set; }
    public bool NoHeaders { get; set; }
    public bool SkipNonRedundant { get; set; }
    public bool IgnoreNonRedundant { get; set; }
    public bool OneStepOnly { get; set; }
    public bool Force { get; set; }
    public bool FullEvacuation { get; set; }
    public bool OfflineMaintenance { get; set; }
    public bool NoSimulation { get; set; }
    public bool NoCapacityChecks { get; set; }
    public bool PrintMoves { get; set; }
    public string? NodeTags { get; set; }
    public bool SingleThreaded { get; set; }
    public List<string> Args { get; } = new();

    private sealed record Spec(char? Short, string Long, int Arg, Action<CliOptions, string?> Set);
    private const int NoArg = 0, Required = 1, Optional = 2;

    private static double D(string? s) => double.Parse(s!, CultureInfo.InvariantCulture);
    private static int I(string? s) => int.Parse(s!, CultureInfo.InvariantCulture);
    private static IEnumerable<string> L(string? s) => (s ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static readonly Spec[] Specs =
    {
        new('t', "text-data", Required, (o, v) => o.TextFile = v),
        new('I', "ialloc-src", Required, (o, v) => o.IAllocSrc = v),
        new('C', "print-commands", Optional, (o, v) => o.PrintCommands = v ?? "-"),
        new(null, "print-jobs-json", NoArg, (o, _) => o.PrintJobsJson = true),
        new('p', "print-nodes", Optional, (o, v) => o.PrintNodes = v ?? ""),
        new(null, "print-instances", NoArg, (o, _) => o.PrintInstances = true),
        new('E', "evac-mode", NoArg, (o, _) => o.EvacMode = true),
        new(null, "restricted-migration", NoArg, (o, _) => o.RestrictedMigration = true),
        new('G', "group", Required, (o, v) => o.Group = v),
        new('l', "max-length", Required, (o, v) => o.MaxLength = I(v)),
        new('v', "verbose", NoArg, (o, _) => o.Verbose++),
        new('q', "quiet", NoArg, (o, _) => o.Verbose--),
        new('O', "offline", Required, (o, v) => o.OfflineNodes.Add(v!)),
        new('e', "min-score", Required, (o, v) => o.MinScore = D(v)),
        new(null, "max-cpu", Required, (o, v) => o.MaxCpu = D(v)),
        new(null, "min-disk", Required, (o, v) => o.MinDisk = D(v)),
        new('g', "min-gain", Required, (o, v) => o.MinGain = D(v)),
        new(null, "min-gain-limit", Required, (o, v) => o.MinGainLimit = D(v)),
        new(null, "no-disk-moves", NoArg, (o, _) => o.NoDiskMoves = true),
        new(null, "no-instance-moves", NoArg, (o, _) => o.NoInstanceMoves = true),
        new(null, "select-instances", Required, (o, v) => o.SelectInstances.AddRange(L(v))),
        new(null, "exclude-instances", Required, (o, v) => o.ExcludeInstances.AddRange(L(v))),
        new(null, "exclusion-tags", Required, (o, v) => o.ExclusionTags.AddRange(L(v))),
        new(null, "ignore-soft-errors", NoArg, (o, _) => o.IgnoreSoftErrors = true),
        new(null, "ignore-dynu", NoArg, (o, _) => o.IgnoreDynu = true),
        new('S', "save", Required, (o, v) => o.SaveCluster = v),
        new(null, "machine-readable", Optional, (o, v) => o.MachineReadable = v is null || v is "yes" or "true"),
        new(null, "standard-alloc", Required, (o, v) => o.StandardAlloc = v),
        new(null, "tiered-alloc", Required, (o, v) => o.TieredAlloc = v),
        new(null, "disk-template", Required, (o, v) => o.DiskTemplate = v),
        new(null, "spindle-use", Required, (o, v) => o.SpindleUse = I(v)),
        new(null, "independent-groups", NoArg, (o, _) => o.IndependentGroups = true),
        new(null, "accept-existing-errors", NoArg, (o, _) => o.AcceptExisting = true),
        new(null, "no-headers", NoArg, (o, _) => o.NoHeaders = true),
        new(null, "skip-non-redundant", NoArg, (o, _) => o.SkipNonRedundant = true),
        new(null, "ignore-non-redundant", NoArg, (o, _) => o.IgnoreNonRedundant = true),
        new(null, "one-step-only", NoArg, (o, _) => o.OneStepOnly = true),
        new('f', "force", NoArg, (o, _) => o.Force = true),
        new(null, "full-evacuation", NoArg, (o, _) => o.FullEvacuation = true),
        new(null, "offline-maintenance", NoArg, (o, _) => o.OfflineMaintenance = true),
        new(null, "no-simulation", NoArg, (o, _) => o.NoSimulation = true),
        new(null, "no-capacity-checks", NoArg, (o, _) => o.NoCapacityChecks = true),
        new(null, "print-moves", NoArg, (o, _) => o.PrintMoves = true),
        new(null, "node-tags", Required, (o, v) => o.NodeTags = v),
        new(null, "single-threaded", NoArg, (o, _) => o.SingleThreaded = true),
        new('X', "exec", NoArg, (_, _) => throw new ArgumentException("Execution of commands possible only on LUXI")),
    };

    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var o = new CliOptions();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? val = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { val = name[(eq + 1)..]; name = name[..eq]; }
                var spec = Specs.FirstOrDefault(s => s.Long == name) ?? throw new ArgumentException($"unrecognized option `{a}'");
                if (spec.Arg == Required && val is null)
                {
                    if (i + 1 >= args.Count) throw new ArgumentException($"option `--{name}' requires an argument");
                    val = args[++i];
                }
                if (spec.Arg == NoArg && val is not null) throw new ArgumentException($"option `--{name}' doesn't allow an argument");
                spec.Set(o, val);
            }
            else if (a.StartsWith('-') && a.Length > 1)
            {
                for (int k = 1; k < a.Length; k++)
                {
                    var spec = Specs.FirstOrDefault(s => s.Short == a[k]) ?? throw new ArgumentException($"unrecognized option `-{a[k]}'");
                    if (spec.Arg == NoArg) { spec.Set(o, null); continue; }
                    string rest = a[(k + 1)..];
                    if (rest.Length > 0) spec.Set(o, rest);
                    else if (spec.Arg == Required)
                    {
                        if (i + 1 >= args.Count) throw new ArgumentException($"option `-{a[k]}' requires an argument");
                        spec.Set(o, args[++i]);
                    }
                    else spec.Set(o, null);
                    break;
                }
            }
            else o.Args.Add(a);
        }
        return o;
    }
}
