using System.Globalization;
using Ganeti.HTools.Model;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Cli;

/// <summary>
/// Command-line front end for the htools personalities (hbal, hail, hspace, hroller,
/// hinfo, hcheck): same main options and the same summary lines as Ganeti's tools.
/// </summary>
public static partial class HToolsCli
{
    public static readonly string[] Tools = { "hbal", "hail", "hspace", "hroller", "hinfo", "hcheck" };

    public static int Run(string tool, string[] args, TextWriter output, TextWriter error)
        => Guarded(error, () =>
        {
            var o = CliOptions.Parse(args);
            return tool switch
            {
                "hbal" => RunHbal(o, output, error),
                "hail" => RunHail(o, output, error),
                "hspace" => RunHspace(o, output, error),
                "hroller" => RunHroller(o, output, error, reproduceGanetiSlotBug: false),
                "hinfo" => RunHinfo(o, output, error),
                "hcheck" => RunHcheck(o, output, error),
                _ => Fail(error, $"Unknown tool '{tool}'; expected one of {string.Join(", ", Tools)}"),
            };
        });

    /// <summary>
    /// hroller planning secondary replacements with Ganeti 3.0.2's bug (see
    /// <see cref="Capacity.RebootConfiguration"/>), so that its --full-evacuation plans can be
    /// compared with Ganeti's byte for byte. Not reachable from the command line.
    /// </summary>
    internal static int RunHrollerReproducingGanetiSlotBug(string[] args, TextWriter output, TextWriter error)
        => Guarded(error, () => RunHroller(CliOptions.Parse(args), output, error, reproduceGanetiSlotBug: true));

    private static int Guarded(TextWriter error, Func<int> run)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
        {
            return Fail(error, "Error: " + e.Message);
        }
    }

    private static int Fail(TextWriter err, string msg)
    {
        err.WriteLine(msg);
        return 1;
    }

    internal static string F(string fmt, params object[] a) => string.Format(CultureInfo.InvariantCulture, fmt, a);

    internal static LoadOptions LoadOptionsOf(CliOptions o) => new()
    {
        ExclusionTags = o.ExclusionTags, SelectedInstances = o.SelectInstances, ExcludedInstances = o.ExcludeInstances,
        OfflineNodes = o.OfflineNodes, IgnoreDynu = o.IgnoreDynu, MinDiskRatio = o.MinDisk, MaxCpuRatio = o.MaxCpu,
    };

    /// <summary>Loads the cluster from -t (text) or -I (IAllocator input) as the tools do, warning about inconsistent data.</summary>
    internal static ClusterData LoadCluster(CliOptions o, TextWriter err)
    {
        var cd = LoadClusterQuietly(o);
        if (o.Verbose > 0)
        {
            var w = ClusterLoader.MissingResourceWarnings(cd);
            if (w.Count > 0)
            {
                err.WriteLine("Warning: cluster has inconsistent data:");
                foreach (var m in w) err.WriteLine("  - " + m);
                err.WriteLine();
            }
        }
        return cd;
    }

    /// <summary>Loads the cluster without printing anything (e.g. a second copy to simulate on).</summary>
    internal static ClusterData LoadClusterQuietly(CliOptions o)
    {
        const string failed = "failed to load data, aborting: ";
        if (o.TextFile is not null && o.IAllocSrc is not null)
            throw new ArgumentException(failed + "Only one of the rapi, luxi, and data files options should be given.");
        string? path = o.TextFile ?? o.IAllocSrc ?? throw new ArgumentException(failed + "No backend selected! Exiting.");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException(failed + path + ": openFile: does not exist (No such file or directory)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException(failed + path + ": openFile: permission denied (Permission denied)", e);
        }
        var cd = o.TextFile is not null ? TextLoader.Parse(text) : Allocation.IAllocatorInput.Parse(text).Cluster;
        ClusterLoader.Finish(cd, LoadOptionsOf(o));
        return cd;
    }

    /// <summary>Groups that have nodes, in group order (Ganeti's splitCluster).</summary>
    internal static List<int> GroupsWithNodes(ClusterData cd)
        => cd.Nodes.Select(n => n.Group).Distinct().OrderBy(g => g).ToList();
}
