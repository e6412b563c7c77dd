using Ganeti.NodeHelpers.Processes;

namespace Ganeti.NodeHelpers.Tests.TestSupport;

/// <summary>A loop device over a sparse file, detached on dispose.</summary>
public sealed class LoopDevice : IAsyncDisposable
{
    private LoopDevice(string device, string backing)
    {
        Device = device;
        Backing = backing;
    }

    public string Device { get; }
    public string Backing { get; }

    public static async Task<LoopDevice> CreateAsync(string backing, long sizeMiB)
    {
        await using (var f = new FileStream(backing, FileMode.Create))
            f.SetLength(sizeMiB << 20);
        var r = await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("losetup", "--show", "-f", backing), default);
        Assert.True(r.Succeeded, r.FailureReason);
        return new LoopDevice(r.Stdout.Trim(), backing);
    }

    public async ValueTask DisposeAsync() =>
        await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("losetup", "-d", Device), default);
}
