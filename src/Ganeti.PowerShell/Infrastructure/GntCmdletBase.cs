using System.Collections.Concurrent;
using System.Management.Automation;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// What every GanetiCluster cmdlet shares: a cancellation token that Ctrl+C (StopProcessing)
/// cancels, a pump that runs async RAPI work while writing what it reports on the pipeline
/// thread, and error records built from <see cref="GntErrorMap"/>.
/// </summary>
public abstract class GntCmdletBase : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();
    private readonly BlockingCollection<Action> _pending = new();

    protected CancellationToken StopToken => _stop.Token;

    /// <summary>True once Ctrl+C (or a pipeline stop) reached this command.</summary>
    protected bool PipelineStopping { get; private set; }

    protected override void StopProcessing()
    {
        PipelineStopping = true;
        _stop.Cancel();
        OnStopping();
    }

    /// <summary>Ends the current wait without stopping the pipeline (a time limit ran out).</summary>
    protected void CancelWaiting() => _stop.Cancel();

    /// <summary>Runs on the thread that pressed Ctrl+C; the pipeline can no longer be written to.</summary>
    protected virtual void OnStopping()
    {
    }

    /// <summary>Runs async work, executing <see cref="Post"/>ed writes on the pipeline thread meanwhile.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(_stop.Token));
        task.ContinueWith(_ => _pending.Add(static () => { }), TaskScheduler.Default);
        while (!task.IsCompleted || _pending.Count > 0)
        {
            if (_pending.TryTake(out var action, 100))
                action();
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void Run(Func<CancellationToken, Task> work) =>
        Run<bool>(async ct => { await work(ct).ConfigureAwait(false); return true; });

    /// <summary>Queues a write (WriteVerbose, WriteObject, ...) for the pipeline thread; callable from any thread.</summary>
    protected void Post(Action action)
    {
        if (!_pending.IsAddingCompleted)
            _pending.Add(action);
    }

    /// <summary>Reports a failure: terminating for a bad connection, otherwise a WriteError per item.</summary>
    protected void WriteFailure(Exception ex, object? target, string? context = null)
    {
        if (ex is PipelineStoppedException or OperationCanceledException && _stop.IsCancellationRequested)
            throw new PipelineStoppedException();
        var info = GntErrorMap.Classify(ex);
        if (context is not null)
            info = info with { Message = $"{context}: {info.Message}" };
        var record = ToRecord(info, target, ex);
        if (info.Terminating)
            ThrowTerminatingError(record);
        WriteError(record);
    }

    protected void WriteFailure(GntErrorInfo info, object? target) =>
        (info.Terminating ? (Action<ErrorRecord>)ThrowTerminatingError : WriteError)(ToRecord(info, target, null));

    internal static ErrorRecord ToRecord(GntErrorInfo info, object? target, Exception? ex)
    {
        var category = Enum.TryParse<ErrorCategory>(info.Category, out var c) ? c : ErrorCategory.NotSpecified;
        var exception = ex is null || ex.Message != info.Message ? new InvalidOperationException(info.Message, ex) : ex;
        var record = new ErrorRecord(exception, info.ErrorId, category, target)
        {
            ErrorDetails = new ErrorDetails(info.Message) { RecommendedAction = info.RecommendedAction },
        };
        return record;
    }

    /// <summary>Writes the warning Ctrl+C owes the user: the jobs go on, and how to cancel them.</summary>
    protected void WarnJobsContinue(IReadOnlyCollection<long> jobIds)
    {
        if (jobIds.Count == 0) return;
        var ids = string.Join(",", jobIds);
        var text = $"Stopped waiting. Job(s) {ids} continue on the cluster; " +
                   $"watch with Wait-GntJob -Id {ids}, cancel with Stop-GntJob -Id {ids}.";
        try
        {
            Host.UI.WriteWarningLine(text);
        }
        catch (Exception)
        {
            // The host may be gone already; the jobs are unaffected either way.
        }
    }

    /// <summary>Runs queued writes now (used before closing progress records).</summary>
    protected void DrainPending()
    {
        while (_pending.TryTake(out var late)) late();
    }
}
