using Ganeti.NodeHelpers.Processes;

namespace Ganeti.Master.Tests.TestSupport;

/// <summary>
/// The LVM and DRBD of one node as far as the commands tell, for tests run through the
/// recording command layer (this machine has neither device-mapper nor the DRBD module).
/// Volumes appear with lvcreate, move with lvrename and vanish with lvremove; a minor exists
/// from new-minor until down, has its local disk from attach until detach, is connected from
/// connect until disconnect, and is primary after primary. /proc/drbd is written from that
/// state in DRBD 8.4's format. A command for which <c>Fail</c> answers true fails as the tool
/// would, without changing the state.
/// </summary>
public sealed class DrbdNodeModel
{
    private sealed class Minor
    {
        public bool Primary;
        public bool HasDisk;
        public string? LocalAddress;
        public bool Connected;
    }

    private readonly HashSet<string> volumes = [];
    private readonly Dictionary<int, Minor> minors = [];
    private readonly object sync = new();

    public RecordingCommandRunner Runner { get; } = new();

    /// <summary>When set and true for a command, that command fails (exit 1, an error on stderr).</summary>
    public Func<CommandSpec, bool>? Fail { get; set; }

    public DrbdNodeModel(long vgFreeMiB = 102400)
    {
        Runner.On("vgs", $"  xenvg|{vgFreeMiB}.00|102400.00\n");
        Runner.On("lvs", [], c =>
        {
            var name = c.Arguments[^1];
            lock (sync)
                return volumes.Contains(name)
                    ? new CommandResult(c, 0, $"  {name.Split('/')[1]}|xenvg|100.00|-wi-a-----\n", "", false)
                    : new CommandResult(c, 5, "", $"  Failed to find logical volume \"{name}\"", false);
        });
        Runner.On("lvcreate", [], c => Change(c, () => volumes.Add($"{c.Arguments[^1]}/{c.Arguments.First(a => a.StartsWith("-n", StringComparison.Ordinal))[2..]}")));
        Runner.On("lvremove", [], c => Change(c, () => volumes.Remove(c.Arguments[^1])));
        Runner.On("lvrename", [], c => Change(c, () =>
        {
            var (vg, from, to) = (c.Arguments[0], c.Arguments[1], c.Arguments[2]);
            if (!volumes.Remove($"{vg}/{from}")) throw new InvalidOperationException($"lvrename of missing {vg}/{from}");
            volumes.Add($"{vg}/{to}");
        }));
        Runner.On("drbdmeta", [], c => Change(c, () => { }));
        Runner.On("drbdsetup", [], c => Change(c, () => { }));
        Runner.On("drbdsetup", ["new-minor"], c => Change(c, () => minors[int.Parse(c.Arguments[2])] = new Minor()));
        Runner.On("drbdsetup", ["attach"], c => Change(c, () => minors[int.Parse(c.Arguments[1])].HasDisk = true));
        Runner.On("drbdsetup", ["detach"], c => Change(c, () => minors[int.Parse(c.Arguments[1])].HasDisk = false));
        Runner.On("drbdsetup", ["connect"], c => Change(c, () =>
        {
            var m = minors[int.Parse(c.Arguments[1]["resource".Length..])];
            m.LocalAddress = c.Arguments[2];
            m.Connected = true;
        }));
        Runner.On("drbdsetup", ["disconnect"], c => Change(c, () =>
        {
            foreach (var m in minors.Values.Where(m => m.LocalAddress == c.Arguments[1] && m.Connected))
                m.Connected = false;
        }));
        Runner.On("drbdsetup", ["primary"], c => Change(c, () => minors[int.Parse(c.Arguments[1])].Primary = true));
        Runner.On("drbdsetup", ["down"], c => Change(c, () => minors.Remove(int.Parse(c.Arguments[1]["resource".Length..]))));
    }

    private CommandResult Change(CommandSpec c, Action change)
    {
        if (Fail?.Invoke(c) == true)
            return new CommandResult(c, 1, "", $"{c.FileName}: simulated failure of '{c.Display}'", false);
        lock (sync) change();
        return new CommandResult(c, 0, "", "", false);
    }

    /// <summary>Marks the local disk of a minor failed (as an I/O error detaches it).</summary>
    public void LoseDisk(int minor)
    {
        lock (sync) minors[minor].HasDisk = false;
    }

    public string ProcDrbd()
    {
        var text = new System.Text.StringBuilder("version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 2D876214BAAD53B31ADC1D6\n\n");
        lock (sync)
            foreach (var (minor, m) in minors.OrderBy(m => m.Key))
            {
                var role = m.Primary ? "Primary" : "Secondary";
                var peerRole = m.Connected ? (m.Primary ? "Secondary" : "Primary") : "Unknown";
                var disk = m.HasDisk ? "UpToDate" : "Diskless";
                var peerDisk = m.Connected ? "UpToDate" : "DUnknown";
                text.Append($" {minor}: cs:{(m.Connected ? "Connected" : "StandAlone")} ro:{role}/{peerRole} ds:{disk}/{peerDisk} C r-----\n")
                    .Append("    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n");
            }
        return text.ToString();
    }

    public IReadOnlyCollection<string> Volumes
    {
        get
        {
            lock (sync) return [.. volumes];
        }
    }

    public IReadOnlyCollection<int> Minors
    {
        get
        {
            lock (sync) return [.. minors.Keys];
        }
    }

    public List<string> Lines(string program) => [.. Runner.CommandLines.Where(l => l.StartsWith(program + " ", StringComparison.Ordinal))];

    /// <summary>The storage commands that change something, in order, from the given position of the record.</summary>
    public List<string> ChangesSince(int position) =>
        [.. Runner.CommandLines.Skip(position).Where(l => !l.StartsWith("lvs ", StringComparison.Ordinal) && !l.StartsWith("vgs ", StringComparison.Ordinal))];
}
