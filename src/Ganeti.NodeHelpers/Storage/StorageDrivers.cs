using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage.BlockDev;
using Ganeti.NodeHelpers.Storage.Drbd;
using Ganeti.NodeHelpers.Storage.Ext;
using Ganeti.NodeHelpers.Storage.FileStorage;
using Ganeti.NodeHelpers.Storage.Lvm;
using Ganeti.NodeHelpers.Storage.Rbd;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>The disk templates this node can serve, by Ganeti's template name.</summary>
public sealed class StorageDrivers
{
    public const string Diskless = "diskless";

    private readonly Dictionary<string, IBlockDeviceDriver> drivers = new(StringComparer.Ordinal);

    public StorageDrivers(IEnumerable<IBlockDeviceDriver> drivers)
    {
        foreach (var d in drivers)
            this.drivers.Add(d.Template, d);
    }

    /// <summary>
    /// Every template's driver. Those whose tools or kernel support a node lacks (LVM needs
    /// device-mapper, drbd its module, rbd a Ceph cluster) fail with the tool's own error when used.
    /// </summary>
    public static StorageDrivers CreateDefault(NodeContext context, ICommandRunner? runner = null)
    {
        runner ??= context.StorageCommands;
        var policy = new FileStoragePolicy(context);
        var lvm = new LvmDriver(runner);
        return new StorageDrivers(
        [
            new FileDiskDriver(FileDiskDriver.FileTemplate, policy, runner),
            new FileDiskDriver(FileDiskDriver.SharedFileTemplate, policy, runner),
            new BlockDevDriver(),
            new ExtStorageDriver(() => [context.Paths.ExtStorageDir], context.Paths, runner),
            lvm,
            new DrbdDriver(runner, lvm, context.ReadProcDrbd),
            new RbdDriver(runner),
        ]);
    }

    public IReadOnlyCollection<string> Templates => drivers.Keys;

    public void Add(IBlockDeviceDriver driver) => drivers[driver.Template] = driver;

    public IBlockDeviceDriver For(string template)
    {
        if (template == Diskless)
            throw GanetiException.WrongInput("Diskless instances have no disks to act on");
        return drivers.TryGetValue(template, out var d)
            ? d
            : throw GanetiException.Prereq($"Disk template '{template}' is not supported on this node", ErrorCodes.Environment);
    }

    public IBlockDeviceDriver For(DiskSpec disk) => For(disk.DevType);

    /// <summary>
    /// The driver answering for a storage type as node info names it (Ganeti's ST_*): file,
    /// sharedfile, lvm-vg and lvm-pv (plain), rbd, ext, blockdev.
    /// </summary>
    public IBlockDeviceDriver ForStorageType(string storageType) => storageType switch
    {
        LvmDriver.VgStorageType or LvmDriver.PvStorageType => For(LvmDriver.TemplateName),
        "rados" => For(RbdDriver.TemplateName),
        _ => For(storageType),
    };
}
