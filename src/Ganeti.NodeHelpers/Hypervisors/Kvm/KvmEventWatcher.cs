namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>
/// Listens to one instance's QMP events on its second monitor socket (Ganeti's kvmd socket)
/// and reports a shutdown the guest initiated itself (poweroff inside the guest, or a reboot
/// under reboot_behavior=exit). Ends when qemu closes the socket.
/// </summary>
public sealed class KvmEventWatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private KvmEventWatcher(string socketPath, Func<QmpClient, QmpEvent, Task> onGuestShutdown)
    {
        SocketPath = socketPath;
        loop = Task.Run(() => RunAsync(onGuestShutdown));
    }

    public string SocketPath { get; }

    public bool IsRunning => !loop.IsCompleted;

    public static KvmEventWatcher Start(string socketPath, Func<QmpClient, QmpEvent, Task> onGuestShutdown) =>
        new(socketPath, onGuestShutdown);

    /// <summary>SHUTDOWN reasons that mean the guest itself asked to stop.</summary>
    public static bool IsGuestInitiated(QmpEvent e) =>
        e.Name == "SHUTDOWN" &&
        e.Data?["guest"]?.GetValue<bool>() == true &&
        e.Data?["reason"]?.GetValue<string>() is null or "guest-shutdown" or "guest-reset";

    private async Task RunAsync(Func<QmpClient, QmpEvent, Task> onGuestShutdown)
    {
        QmpClient? client = null;
        try
        {
            client = await QmpClient.ConnectAsync(SocketPath, TimeSpan.FromSeconds(10), stop.Token);
            await foreach (var e in client.Events.ReadAllAsync(stop.Token))
                if (IsGuestInitiated(e))
                    await onGuestShutdown(client, e);
        }
        catch (Exception e) when (e is QmpException or OperationCanceledException or TimeoutException or IOException)
        {
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
    }
}
