using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Os;

public abstract class OsTestBase : IDisposable
{
    protected const string DebianOsDir = "/usr/share/ganeti/os";

    protected OsTestBase()
    {
        SearchDir = Root.Dir("srv/ganeti/os");
        Root.Context.OsSearchPath = [SearchDir, DebianOsDir];
        Discovery = new OsDiscovery(Root.Context);
        Runner = new OsRunner(Discovery, Root.Paths, ProcessCommandRunner.Instance, null, StorageDrivers.CreateDefault(Root.Context));
    }

    protected TempRoot Root { get; } = new();
    protected string SearchDir { get; }
    protected OsDiscovery Discovery { get; }
    protected OsRunner Runner { get; set; }

    /// <summary>A file disk with recognisable content, already "assembled" (path set).</summary>
    protected DiskSpec NewDisk(int sizeMiB = 4, string instance = "inst1.example.com")
    {
        var dir = Path.Combine(Root.FileStorageDir, instance);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{Guid.NewGuid()}.file.disk0");
        var data = new byte[sizeMiB << 20];
        new Random(42).NextBytes(data);
        File.WriteAllBytes(path, data);
        return Disks.File(path, sizeMiB) with { Path = path };
    }

    public void Dispose()
    {
        Root.Dispose();
        GC.SuppressFinalize(this);
    }
}
