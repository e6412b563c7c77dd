using System.Globalization;
using System.Net;
using System.Text.Json;
using Ganeti.Core.Errors;
using N = Ganeti.NodeHelpers.Hypervisors.Kvm.KvmParameterNames;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>
/// Ganeti's 65 kvm hypervisor parameters with their defaults (Constants.hs hvcDefaults) and
/// the syntax checks Ganeti's hv_kvm PARAMETERS table applies, plus the combinations this
/// driver refuses before qemu is started.
/// </summary>
public static class KvmParameters
{
    public static readonly IReadOnlyDictionary<string, JsonElement> Defaults = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
    {
        [N.Acpi] = V(true),
        [N.BootOrder] = V("disk"),
        [N.Cdrom2ImagePath] = V(""),
        [N.CdromDiskType] = V(""),
        [N.CdromImagePath] = V(""),
        [N.CpuCores] = V(0),
        [N.CpuMask] = V("all"),
        [N.CpuSockets] = V(0),
        [N.CpuThreads] = V(0),
        [N.CpuType] = V(""),
        [N.DiskAio] = V("threads"),
        [N.DiskCache] = V("default"),
        [N.DiskDiscard] = V("default"),
        [N.DiskType] = V("paravirtual"),
        [N.FloppyImagePath] = V(""),
        [N.InitrdPath] = V(""),
        [N.KernelArgs] = V("ro"),
        [N.KernelPath] = V("/boot/vmlinuz-3-kvmU"),
        [N.Keymap] = V(""),
        [N.KvmExtra] = V(""),
        [N.KvmFlag] = V(""),
        [N.KvmPath] = V("/usr/bin/kvm"),
        [N.KvmPciReservations] = V(12),
        [N.MachineVersion] = V(""),
        [N.MemPath] = V(""),
        [N.MigrationBandwidth] = V(32),
        [N.MigrationCaps] = V(""),
        [N.MigrationDowntime] = V(30),
        [N.MigrationMode] = V("live"),
        [N.MigrationPort] = V(8102),
        [N.NicType] = V("paravirtual"),
        [N.RebootBehavior] = V("reboot"),
        [N.RootPath] = V("/dev/vda1"),
        [N.ScsiControllerType] = V("lsi"),
        [N.SecurityDomain] = V(""),
        [N.SecurityModel] = V("none"),
        [N.SerialConsole] = V(true),
        [N.SerialSpeed] = V(38400),
        [N.Soundhw] = V(""),
        [N.SpiceBind] = V(""),
        [N.SpiceImageCompression] = V(""),
        [N.SpiceIpVersion] = V(0),
        [N.SpiceJpegWanCompression] = V(""),
        [N.SpicePasswordFile] = V(""),
        [N.SpicePlaybackCompression] = V(true),
        [N.SpiceStreamingVideo] = V(""),
        [N.SpiceTlsCiphers] = V("HIGH:-DES:-3DES:-EXPORT:-DH"),
        [N.SpiceUseTls] = V(false),
        [N.SpiceUseVdagent] = V(true),
        [N.SpiceZlibGlzWanCompression] = V(""),
        [N.UsbDevices] = V(""),
        [N.UsbMouse] = V(""),
        [N.UseChroot] = V(false),
        [N.UseGuestAgent] = V(false),
        [N.UseLocaltime] = V(false),
        [N.UserShutdown] = V(false),
        [N.Vga] = V(""),
        [N.VhostNet] = V(false),
        [N.VirtioNetQueues] = V(1),
        [N.VncBindAddress] = V(""),
        [N.VncPasswordFile] = V(""),
        [N.VncTls] = V(false),
        [N.VncX509Path] = V(""),
        [N.VncX509Verify] = V(false),
        [N.VnetHdr] = V(true),
    };

    public static readonly IReadOnlySet<string> BootOrders = Set("disk", "cdrom", "floppy", "network");
    public static readonly IReadOnlySet<string> NicTypes =
        Set("paravirtual", "rtl8139", "ne2k_pci", "ne2k_isa", "e1000", "i82551", "i82557b", "i82559er", "pcnet");
    public static readonly IReadOnlySet<string> DiskTypes =
        Set("paravirtual", "ide", "scsi", "sd", "mtd", "pflash", "scsi-block", "scsi-generic", "scsi-hd");
    /// <summary>Disk types this driver attaches as -blockdev plus a frontend device.</summary>
    public static readonly IReadOnlySet<string> SupportedDiskTypes = Set("paravirtual", "ide", "scsi", "scsi-hd", "scsi-block", "scsi-generic");
    public static readonly IReadOnlySet<string> DiskCaches = Set("default", "none", "writethrough", "writeback");
    public static readonly IReadOnlySet<string> DiskAios = Set("threads", "native", "io_uring");
    public static readonly IReadOnlySet<string> DiskDiscards = Set("default", "ignore", "unmap");
    public static readonly IReadOnlySet<string> MigrationModes = Set("live", "non-live");
    public static readonly IReadOnlySet<string> KvmFlags = Set("", "enabled", "disabled");
    public static readonly IReadOnlySet<string> SecurityModels = Set("none", "user", "pool");
    public static readonly IReadOnlySet<string> RebootBehaviors = Set("reboot", "exit");
    public static readonly IReadOnlySet<string> UsbMice = Set("", "mouse", "tablet");
    public static readonly IReadOnlySet<string> ScsiControllerTypes = Set("lsi", "virtio-scsi-pci", "megasas", "mptsas1068");
    public static readonly IReadOnlySet<string> MigrationCapabilities =
        Set("xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "compress", "events", "postcopy-ram",
            "x-colo", "release-ram", "return-path", "pause-before-switchover", "multifd", "dirty-bitmaps",
            "postcopy-blocktime", "late-block-activate", "x-ignore-shared", "validate-uuid", "background-snapshot",
            "zero-copy-send", "postcopy-preempt");

    private static readonly string[] BoolParams =
    [
        N.Acpi, N.SerialConsole, N.UseLocaltime, N.UserShutdown, N.VhostNet, N.UseChroot, N.UseGuestAgent,
        N.VncTls, N.VncX509Verify, N.SpiceUseTls, N.SpiceUseVdagent, N.SpicePlaybackCompression, N.VnetHdr,
    ];

    private static readonly string[] IntParams =
    [
        N.CpuCores, N.CpuSockets, N.CpuThreads, N.KvmPciReservations, N.MigrationBandwidth, N.MigrationDowntime,
        N.MigrationPort, N.SerialSpeed, N.SpiceIpVersion, N.VirtioNetQueues,
    ];

    private static readonly string[] OptionalAbsolutePaths =
    [
        N.KernelPath, N.InitrdPath, N.CdromImagePath, N.Cdrom2ImagePath, N.FloppyImagePath, N.VncPasswordFile,
        N.VncX509Path, N.MemPath, N.SpicePasswordFile,
    ];

    /// <summary>The parameters with Ganeti's defaults filled in for missing keys.</summary>
    public static Dictionary<string, JsonElement> Fill(IReadOnlyDictionary<string, JsonElement> hvparams)
    {
        var filled = new Dictionary<string, JsonElement>(Defaults, StringComparer.Ordinal);
        foreach (var (k, v) in hvparams)
            filled[k] = v;
        return filled;
    }

    /// <summary>
    /// Syntax and consistency checks, no I/O. Checks the given keys; combinations are checked
    /// on the parameters as they would be after filling the defaults.
    /// </summary>
    public static void Check(IReadOnlyDictionary<string, JsonElement> hvparams)
    {
        HypervisorParams.RejectUnknown("kvm", hvparams, Defaults);
        var p = Fill(hvparams);

        foreach (var name in BoolParams) GetBool(p, name);
        foreach (var name in IntParams) GetInt(p, name);
        foreach (var name in Defaults.Keys.Except(BoolParams).Except(IntParams)) GetString(p, name);

        InSet(p, N.BootOrder, BootOrders);
        InSet(p, N.NicType, NicTypes);
        InSet(p, N.DiskType, DiskTypes);
        if (GetString(p, N.CdromDiskType) != "") InSet(p, N.CdromDiskType, DiskTypes);
        InSet(p, N.DiskCache, DiskCaches);
        InSet(p, N.DiskAio, DiskAios);
        InSet(p, N.DiskDiscard, DiskDiscards);
        InSet(p, N.MigrationMode, MigrationModes);
        InSet(p, N.KvmFlag, KvmFlags);
        InSet(p, N.SecurityModel, SecurityModels);
        InSet(p, N.RebootBehavior, RebootBehaviors);
        InSet(p, N.UsbMouse, UsbMice);
        InSet(p, N.ScsiControllerType, ScsiControllerTypes);

        foreach (var name in OptionalAbsolutePaths)
        {
            var s = GetString(p, name);
            if (s != "" && !IsNormAbsPath(s))
                throw Bad(name, s, "must be an absolute, normalized path");
        }
        var kvmPath = GetString(p, N.KvmPath);
        if (!IsNormAbsPath(kvmPath)) throw Bad(N.KvmPath, kvmPath, "must be an absolute, normalized path");

        Range(p, N.MigrationPort, 1, 65535);
        Range(p, N.MigrationBandwidth, 1, int.MaxValue);
        Range(p, N.MigrationDowntime, 1, int.MaxValue);
        Range(p, N.SerialSpeed, 1, int.MaxValue);
        Range(p, N.CpuCores, 0, int.MaxValue);
        Range(p, N.CpuThreads, 0, int.MaxValue);
        Range(p, N.CpuSockets, 0, int.MaxValue);
        Range(p, N.VirtioNetQueues, 1, 8);
        Range(p, N.KvmPciReservations, 0, 32);
        if (GetInt(p, N.SpiceIpVersion) is not (0 or 4 or 6))
            throw Bad(N.SpiceIpVersion, GetInt(p, N.SpiceIpVersion).ToString(CultureInfo.InvariantCulture), "must be 0, 4 or 6");

        var vnc = GetString(p, N.VncBindAddress);
        if (vnc != "" && !IPAddress.TryParse(vnc, out _) && !IsNormAbsPath(vnc))
            throw Bad(N.VncBindAddress, vnc, "must be either a valid IP address or an absolute pathname");
        if (vnc == "")
        {
            foreach (var name in new[] { N.VncTls, N.VncX509Verify })
                if (GetBool(p, name))
                    throw GanetiException.WrongInput($"Hypervisor parameter {name} requires {N.VncBindAddress} to be set");
            if (GetString(p, N.VncPasswordFile) != "")
                throw GanetiException.WrongInput($"Hypervisor parameter {N.VncPasswordFile} requires {N.VncBindAddress} to be set");
        }

        ParseCpuMask(GetString(p, N.CpuMask));
        ParseMigrationCaps(GetString(p, N.MigrationCaps));
        SplitArguments(GetString(p, N.KvmExtra));

        if (GetString(p, N.BootOrder) == "cdrom" && GetString(p, N.CdromImagePath) == "")
            throw GanetiException.WrongInput("Cannot boot from cdrom without an ISO path (cdrom_image_path)");
        if (GetString(p, N.BootOrder) == "floppy" && GetString(p, N.FloppyImagePath) == "")
            throw GanetiException.WrongInput("Cannot boot from floppy without an image path (floppy_image_path)");
        if (GetString(p, N.DiskAio) == "native" && GetString(p, N.DiskCache) != "none")
            throw GanetiException.WrongInput(
                $"disk_aio 'native' needs disk_cache 'none' (qemu opens the disks with O_DIRECT for it), got '{GetString(p, N.DiskCache)}'");

        var model = GetString(p, N.SecurityModel);
        var domain = GetString(p, N.SecurityDomain);
        if (model == "user" && domain == "")
            throw GanetiException.WrongInput("Security model 'user' requires a security_domain (the user to run qemu as)");
        if (model != "user" && domain != "")
            throw GanetiException.WrongInput($"security_domain is only valid with security model 'user', not '{model}'");
        if (GetString(p, N.InitrdPath) != "" && GetString(p, N.KernelPath) == "")
            throw GanetiException.WrongInput("initrd_path needs kernel_path: qemu loads an initrd only with a kernel");

        // Valid for Ganeti but not implemented here: refuse clearly rather than half-work.
        if (!SupportedDiskTypes.Contains(GetString(p, N.DiskType)))
            throw Unsupported(N.DiskType, GetString(p, N.DiskType));
        if (GetBool(p, N.UseChroot)) throw Unsupported(N.UseChroot, "true");
        if (model == "pool") throw Unsupported(N.SecurityModel, model);
        if (GetString(p, N.SpiceBind) != "") throw Unsupported(N.SpiceBind, GetString(p, N.SpiceBind));
        if (GetBool(p, N.VncTls)) throw Unsupported(N.VncTls, "true");
        if (GetString(p, N.Soundhw) != "") throw Unsupported(N.Soundhw, GetString(p, N.Soundhw));
    }

    /// <summary>
    /// Ganeti's cpu_mask: "all", a list ("0-2,5"), or one list per vCPU separated by ':'
    /// ("1:2-3:all"). Returns one entry per group; null in an entry means "all".
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>?> ParseCpuMask(string mask)
    {
        var groups = new List<IReadOnlyList<int>?>();
        foreach (var group in mask.Split(':'))
        {
            var g = group.Trim();
            if (g == "all")
            {
                groups.Add(null);
                continue;
            }
            var cpus = new SortedSet<int>();
            foreach (var part in g.Split(','))
            {
                var range = part.Trim().Split('-');
                if (range.Length is < 1 or > 2 || !range.All(r => int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                    throw Bad(N.CpuMask, mask, "must be 'all', a CPU list like '0-2,5', or one such list per vCPU separated by ':'");
                var lo = int.Parse(range[0], CultureInfo.InvariantCulture);
                var hi = range.Length == 2 ? int.Parse(range[1], CultureInfo.InvariantCulture) : lo;
                if (hi < lo || hi > 4095)
                    throw Bad(N.CpuMask, mask, $"has an invalid CPU range '{part}'");
                for (var c = lo; c <= hi; c++) cpus.Add(c);
            }
            groups.Add([.. cpus]);
        }
        return groups;
    }

    /// <summary>migration_caps: capability names separated by ':'.</summary>
    public static IReadOnlyList<string> ParseMigrationCaps(string caps)
    {
        if (caps == "") return [];
        var list = caps.Split(':').Select(c => c.Trim()).ToList();
        foreach (var c in list)
            if (!MigrationCapabilities.Contains(c))
                throw Bad(N.MigrationCaps, caps, $"names an unknown migration capability '{c}'");
        return list;
    }

    /// <summary>Splits kvm_extra the way a POSIX shell would split words (quotes, backslashes), without running one.</summary>
    public static IReadOnlyList<string> SplitArguments(string text)
    {
        var args = new List<string>();
        var current = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = '\0';
                else current.Append(c);
            }
            else if (quote == '"')
            {
                if (c == '"') quote = '\0';
                else if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`') current.Append(text[++i]);
                else current.Append(c);
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) args.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else
            {
                inWord = true;
                if (c is '\'' or '"') quote = c;
                else if (c == '\\' && i + 1 < text.Length) current.Append(text[++i]);
                else current.Append(c);
            }
        }
        if (quote != '\0')
            throw Bad(N.KvmExtra, text, "has an unterminated quote");
        if (inWord) args.Add(current.ToString());
        return args;
    }

    public static bool GetBool(IReadOnlyDictionary<string, JsonElement> p, string name)
    {
        var v = Get(p, name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => b,
            _ => throw Bad(name, v.ToString(), "must be a boolean"),
        };
    }

    public static int GetInt(IReadOnlyDictionary<string, JsonElement> p, string name)
    {
        var v = Get(p, name);
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
        if (v.ValueKind == JsonValueKind.String &&
            int.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out i)) return i;
        throw Bad(name, v.ToString(), "must be an integer");
    }

    public static string GetString(IReadOnlyDictionary<string, JsonElement> p, string name)
    {
        var v = Get(p, name);
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Null => "",
            _ => throw Bad(name, v.ToString(), "must be a string"),
        };
    }

    private static JsonElement Get(IReadOnlyDictionary<string, JsonElement> p, string name) =>
        p.TryGetValue(name, out var v) ? v : Defaults[name];

    private static void InSet(IReadOnlyDictionary<string, JsonElement> p, string name, IReadOnlySet<string> allowed)
    {
        var s = GetString(p, name);
        if (!allowed.Contains(s))
            throw Bad(name, s, $"must be one of {string.Join(", ", allowed.Select(a => a == "" ? "''" : a))}");
    }

    private static void Range(IReadOnlyDictionary<string, JsonElement> p, string name, int min, int max)
    {
        var v = GetInt(p, name);
        if (v < min || v > max)
            throw Bad(name, v.ToString(CultureInfo.InvariantCulture),
                max == int.MaxValue ? $"must be at least {min}" : $"must be between {min} and {max}");
    }

    private static bool IsNormAbsPath(string path) =>
        path == "/" || (path.StartsWith('/') && !path.EndsWith('/') &&
                        path.Split('/').Skip(1).All(s => s is not ("" or "." or "..")));

    private static GanetiException Bad(string name, string value, string why) =>
        GanetiException.WrongInput($"Invalid value '{value}' for hypervisor parameter {name}: {why}");

    private static GanetiException Unsupported(string name, string value) =>
        GanetiException.WrongInput($"Hypervisor parameter {name}='{value}' is valid in Ganeti but not supported by this kvm driver");

    private static JsonElement V<T>(T value) => HypervisorParams.Value(value);

    private static IReadOnlySet<string> Set(params string[] values) => new HashSet<string>(values, StringComparer.Ordinal);
}
