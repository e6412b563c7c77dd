using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Hypervisors;

namespace Ganeti.NodeHelpers.Tests.TestSupport;

/// <summary>A node root directory of its own for one test, removed afterwards.</summary>
public sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Root = Path.Combine(Path.GetTempPath(), "gnt-nh-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Paths = new GanetiPaths(Root);
        FileStorageDir = Paths.DefaultFileStorageDir;
        Directory.CreateDirectory(FileStorageDir);
        Context = new NodeContext("node1.example.com", Paths, Array.Empty<IHypervisor>())
        {
            AllowedFileStoragePaths = [FileStorageDir],
        };
    }

    public string Root { get; }
    public GanetiPaths Paths { get; }
    public string FileStorageDir { get; }
    public NodeContext Context { get; }

    public string Dir(string relative)
    {
        var p = Path.Combine(Root, relative);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
