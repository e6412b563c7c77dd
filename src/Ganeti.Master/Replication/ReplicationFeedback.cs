namespace Ganeti.Master.Replication;

/// <summary>
/// Where replication reports a node it could not update: the log of the job whose change is
/// being replicated. The processor sets it for the flow of each opcode; config writes made
/// outside a job report nowhere (the next write retries anyway).
/// </summary>
public static class ReplicationFeedback
{
    private static readonly AsyncLocal<Action<string>?> Sink = new();

    public static Action<string>? Current
    {
        get => Sink.Value;
        set => Sink.Value = value;
    }

    public static void Warn(string message) => Sink.Value?.Invoke(message);
}
