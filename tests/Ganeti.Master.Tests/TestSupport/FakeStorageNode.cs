using System.Globalization;
using System.Text;
using Ganeti.NodeHelpers.Processes;

namespace Ganeti.Master.Tests.TestSupport;

/// <summary>
/// The LVM and DRBD of one node, as far as the commands say, for a kernel without
/// device-mapper or the DRBD module. Volumes appear with lvcreate and vanish with lvremove.
/// A minor exists from new-minor until down; connect links it to the minor of another node
/// on the same port (through the shared <see cref="FakeDrbdNetwork"/>) once both sides have
/// connected with the same allow-two-primaries setting, as DRBD refuses peers whose settings
/// differ; disconnect leaves it StandAlone. primary fails while the connected peer is primary
/// unless both allow two primaries, as the kernel refuses it. /proc/drbd is written from this
/// state in DRBD 8.4's format.
/// </summary>
public sealed class FakeStorageNode
{
    private sealed class Minor
    {
        public bool Primary;
        public int? Port;
        public bool Connecting;
        public bool TwoPrimaries;
    }

    private readonly FakeDrbdNetwork network;
    private readonly HashSet<string> volumes = [];
    private readonly Dictionary<int, Minor> minors = [];
    private Func<CommandSpec, string?>? fault;

    public RecordingCommandRunner Runner { get; } = new();

    /// <summary>
    /// A test cluster with drbd enabled on volume group xenvg, and node2.test and node3.test whose
    /// storage commands run on one shared DRBD network model. <paramref name="configure"/> may
    /// change the cluster first; node3 may fail some creates or have less room.
    /// </summary>
    public static async Task<(TestCluster C, FakeStorageNode N2, FakeStorageNode N3)> DrbdClusterAsync(
        Action<Core.Config.ConfigData>? configure = null, Func<CommandSpec, bool>? failOnNode3 = null, long node3VgFreeMiB = 102400)
    {
        var c = new TestCluster();
        await c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            cfg.Cluster.EnabledDiskTemplates.Add("drbd");
            cfg.Cluster.VolumeGroupName = "xenvg";
            configure?.Invoke(cfg);
        });
        var net = new FakeDrbdNetwork();
        var (n2, n3) = (new FakeStorageNode(net), new FakeStorageNode(net, failOnNode3, node3VgFreeMiB));
        await c.AddFakeNodeAsync("node2.test", 8192, storageCommands: n2.Runner, procDrbd: n2.ProcDrbd);
        await c.AddFakeNodeAsync("node3.test", 8192, storageCommands: n3.Runner, procDrbd: n3.ProcDrbd);
        return (c, n2, n3);
    }

    public FakeStorageNode(FakeDrbdNetwork network, Func<CommandSpec, bool>? failCreate = null, long vgFreeMiB = 102400)
    {
        this.network = network;
        network.Add(this);
        Runner.On("vgs", $"  xenvg|{vgFreeMiB}.00|102400.00\n");
        Runner.On("lvs", [], c =>
        {
            var name = c.Arguments[^1];
            lock (network)
                return volumes.Contains(name)
                    ? new CommandResult(c, 0, $"  {name.Split('/')[1]}|xenvg|100.00|-wi-a-----\n", "", false)
                    : new CommandResult(c, 5, "", $"  Failed to find logical volume \"{name}\"", false);
        });
        Runner.On("lvcreate", [], c =>
        {
            if (failCreate?.Invoke(c) == true)
                return new CommandResult(c, 5, "", "  Volume group \"xenvg\" has insufficient free space", false);
            var lv = c.Arguments.First(a => a.StartsWith("-n", StringComparison.Ordinal))[2..];
            lock (network) volumes.Add($"{c.Arguments[^1]}/{lv}");
            return Ok(c);
        });
        Runner.On("lvremove", [], c =>
        {
            lock (network) volumes.Remove(c.Arguments[^1]);
            return Ok(c);
        });
        Runner.On("drbdsetup", [], Drbdsetup);
    }

    /// <summary>From now on a drbdsetup command for which <paramref name="failure"/> returns a message fails with it.</summary>
    public void FailDrbdsetup(Func<CommandSpec, string?>? failure) => fault = failure;

    /// <summary>The machine loses power: its minors are gone, their peers wait for it.</summary>
    public void PowerOff()
    {
        lock (network) minors.Clear();
    }

    private static CommandResult Ok(CommandSpec c) => new(c, 0, "", "", false);

    private static int MinorOfResource(string resource) => int.Parse(resource["resource".Length..], CultureInfo.InvariantCulture);

    private static int PortOf(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    private CommandResult Drbdsetup(CommandSpec c)
    {
        if (fault?.Invoke(c) is { } message)
            return new CommandResult(c, 10, "", message, false);
        var args = c.Arguments;
        lock (network)
        {
            switch (args[0])
            {
                case "new-minor":
                    minors[int.Parse(args[2], CultureInfo.InvariantCulture)] = new Minor();
                    break;
                case "connect":
                {
                    var m = minors[MinorOfResource(args[1])];
                    (m.Port, m.Connecting, m.TwoPrimaries) = (PortOf(args[2]), true, args.Contains("--allow-two-primaries"));
                    break;
                }
                case "disconnect":
                {
                    var m = minors.Values.Single(x => x.Port == PortOf(args[1]));
                    (m.Port, m.Connecting) = (null, false);
                    break;
                }
                case "down":
                    minors.Remove(MinorOfResource(args[1]));
                    break;
                case "primary":
                {
                    var m = minors[int.Parse(args[1], CultureInfo.InvariantCulture)];
                    if (Peer(m) is { Primary: true } && !(m.TwoPrimaries && Peer(m)!.TwoPrimaries))
                        return new CommandResult(c, 11, "", $"{args[1]}: State change failed: (-1) Multiple primaries not allowed by config", false);
                    m.Primary = true;
                    break;
                }
                case "secondary":
                    minors[int.Parse(args[1], CultureInfo.InvariantCulture)].Primary = false;
                    break;
            }
        }
        return Ok(c);
    }

    /// <summary>The connected peer minor: the other node's minor on the same port, connecting with the same settings.</summary>
    private Minor? Peer(Minor m) =>
        m.Connecting
            ? network.Nodes.Where(n => n != this).SelectMany(n => n.minors.Values)
                .FirstOrDefault(p => p.Connecting && p.Port == m.Port && p.TwoPrimaries == m.TwoPrimaries)
            : null;

    public string ProcDrbd()
    {
        var text = new StringBuilder("version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 2D876214BAAD53B31ADC1D6\n\n");
        lock (network)
            foreach (var (minor, m) in minors.OrderBy(x => x.Key))
            {
                var peer = Peer(m);
                var cs = peer is not null ? "Connected" : m.Connecting ? "WFConnection" : "StandAlone";
                var role = m.Primary ? "Primary" : "Secondary";
                var peerRole = peer is null ? "Unknown" : peer.Primary ? "Primary" : "Secondary";
                text.Append(CultureInfo.InvariantCulture, $" {minor}: cs:{cs} ro:{role}/{peerRole} ds:UpToDate/{(peer is null ? "DUnknown" : "UpToDate")} C r-----\n")
                    .Append("    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n");
            }
        return text.ToString();
    }

    /// <summary>Per minor: "Primary"/"Secondary", connection state, and whether the link allows two primaries.</summary>
    public IReadOnlyDictionary<int, (bool Primary, string State, bool TwoPrimaries)> Minors
    {
        get
        {
            lock (network)
                return minors.ToDictionary(x => x.Key, x => (x.Value.Primary,
                    Peer(x.Value) is not null ? "Connected" : x.Value.Connecting ? "WFConnection" : "StandAlone", x.Value.TwoPrimaries));
        }
    }

    public IReadOnlyCollection<string> Volumes
    {
        get
        {
            lock (network) return [.. volumes];
        }
    }

    public List<string> Lines(string program) => [.. Runner.CommandLines.Where(l => l.StartsWith(program + " ", StringComparison.Ordinal))];
}

/// <summary>The replication network the fake nodes' DRBD minors reach each other over.</summary>
public sealed class FakeDrbdNetwork
{
    private readonly List<FakeStorageNode> nodes = [];

    public IReadOnlyList<FakeStorageNode> Nodes => nodes;

    internal void Add(FakeStorageNode node)
    {
        lock (this) nodes.Add(node);
    }
}
