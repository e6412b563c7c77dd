using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Master.Util;

namespace Ganeti.Master.Jobs;

/// <summary>
/// The job queue on disk: one JSON file per job (queue/job-N), written and fsync'ed before a
/// job id is handed out; the id counter in queue/serial; finished jobs moved to
/// queue/archive/&lt;N/10000&gt;/job-N. On load, jobs that were running when the master stopped
/// end as error with a reason saying so; queued jobs stay queued.
/// </summary>
public sealed class JobQueue
{
    /// <summary>Ganeti's hard limit on jobs in the queue (not archived).</summary>
    public const int MaxJobs = 5000;

    public const string RestartMessage = "The master restarted while this job was running; the job was aborted";

    public const string FailoverMessage = "The job was running on the old master when this node took over (master failover); the job was aborted";

    private readonly GanetiPaths paths;

    /// <summary>The state tree the queue lives in.</summary>
    public GanetiPaths Paths => paths;
    private readonly object sync = new();
    private readonly SortedDictionary<long, JobEntry> jobs = [];
    private long lastId;

    private readonly int maxJobs;

    private readonly string interruptedMessage;

    /// <param name="interruptedMessage">Why jobs found running at load were aborted (default: a restart).</param>
    public JobQueue(GanetiPaths paths, int maxJobs = MaxJobs, string interruptedMessage = RestartMessage)
    {
        this.paths = paths;
        this.maxJobs = maxJobs;
        this.interruptedMessage = interruptedMessage;
        Directory.CreateDirectory(paths.QueueDir);
        Directory.CreateDirectory(paths.QueueArchiveDir);
        Load();
    }

    /// <summary>Raised with the jobs of each submission, once they are on disk.</summary>
    public event Action<IReadOnlyList<JobEntry>>? Added;

    /// <summary>Called after a queue file (name relative to the queue directory) was written: replication.</summary>
    public Action<string, byte[]>? FileWritten { get; set; }

    /// <summary>Called after a queue file was renamed (archived): replication.</summary>
    public Action<string, string>? FileRenamed { get; set; }

    /// <summary>Jobs whose state was changed at load (running → error), for the log.</summary>
    public IReadOnlyList<long> RecoveredJobs { get; private set; } = [];

    public bool Drained => File.Exists(paths.QueueDrainFlag);

    public void SetDrained(bool drain)
    {
        if (drain) AtomicFile.Write(paths.QueueDrainFlag, []);
        else File.Delete(paths.QueueDrainFlag);
    }

    private void Load()
    {
        long maxId = 0;
        if (File.Exists(paths.QueueSerial) &&
            long.TryParse(File.ReadAllText(paths.QueueSerial).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var serial))
            maxId = serial;
        foreach (var dir in Directory.EnumerateDirectories(paths.QueueArchiveDir))
            foreach (var f in Directory.EnumerateFiles(dir, "job-*"))
                maxId = Math.Max(maxId, IdOf(f) ?? 0);

        var recovered = new List<long>();
        foreach (var file in Directory.EnumerateFiles(paths.QueueDir, "job-*"))
        {
            if (IdOf(file) is not { } id) continue;
            maxId = Math.Max(maxId, id);
            Job job;
            try
            {
                job = GanetiJson.Deserialize<Job>(File.ReadAllBytes(file));
            }
            catch (JsonException)
            {
                // Written atomically, so an unreadable file was not written by us: keep it aside.
                File.Move(file, file + ".corrupt", overwrite: true);
                continue;
            }
            var entry = new JobEntry(job);
            if (RecoverInterrupted(job, interruptedMessage))
            {
                recovered.Add(id);
                AtomicFile.Write(file, GanetiJson.SerializeToUtf8(job));
            }
            jobs[id] = entry;
        }
        lastId = maxId;
        RecoveredJobs = recovered;
    }

    private static long? IdOf(string file)
    {
        var name = Path.GetFileName(file);
        return name.StartsWith("job-", StringComparison.Ordinal) &&
               long.TryParse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>Marks a job interrupted by a restart as failed. Returns true when it changed.</summary>
    private static bool RecoverInterrupted(Job job, string message)
    {
        var status = job.CalcStatus();
        if (status is JobStatus.Queued || JobStatus.IsFinal(status))
            return false;
        var now = Timestamp.Now();
        var error = new GanetiException("OpExecError", message).ToWire();
        foreach (var op in job.Ops.Where(o => !JobStatus.IsFinal(o.Status)))
        {
            op.Status = status == JobStatus.Canceling ? JobStatus.Canceled : JobStatus.Error;
            op.Result = error.DeepClone();
            op.EndTimestamp = now;
        }
        job.EndTimestamp = now;
        return true;
    }

    /// <summary>
    /// Adds jobs (each a list of opcodes in Ganeti JSON form, already validated) durably and
    /// returns their ids. Relative dependencies (negative ids) refer to earlier jobs of the batch.
    /// </summary>
    public IReadOnlyList<JobEntry> Add(IReadOnlyList<IReadOnlyList<JsonObject>> batch)
    {
        if (Drained)
            throw new GanetiException("JobQueueDrainError", "Job queue is drained, refusing job");
        List<JobEntry> entries;
        lock (sync)
        {
            if (jobs.Count + batch.Count > maxJobs)
                MakeRoom(jobs.Count + batch.Count - maxJobs);
            if (jobs.Count + batch.Count > maxJobs)
                throw new GanetiException("JobQueueFull", $"Job queue is full ({maxJobs} unfinished jobs)");
            var firstId = lastId + 1;
            entries = [];
            var received = Timestamp.Now();
            for (var i = 0; i < batch.Count; i++)
            {
                var id = firstId + i;
                var job = new Job { Id = id, ReceivedTimestamp = received };
                foreach (var input in batch[i])
                {
                    var op = (JsonObject)input.DeepClone();
                    ResolveDependencies(op, id);
                    job.Ops.Add(new QueuedOpCode
                    {
                        Input = op,
                        Priority = op["priority"] is JsonValue p && p.TryGetValue<int>(out var prio) ? prio : 0,
                    });
                }
                entries.Add(new JobEntry(job));
            }
            // The serial first: after a crash between the two writes an id is skipped, never reused.
            lastId = firstId + batch.Count - 1;
            var serial = System.Text.Encoding.ASCII.GetBytes($"{lastId}\n");
            AtomicFile.Write(paths.QueueSerial, serial, durable: false);
            FileWritten?.Invoke("serial", serial);
            foreach (var e in entries)
            {
                var bytes = GanetiJson.SerializeToUtf8(e.Job);
                AtomicFile.Write(JobFile(e.Job.Id), bytes);
                FileWritten?.Invoke(JobFileName(e.Job.Id), bytes);
                FillDependencies(e);
                jobs[e.Job.Id] = e;
            }
        }
        // Outside the queue's lock: listeners (the scheduler) call back into the queue under theirs.
        Added?.Invoke(entries);
        return entries;
    }

    private static void ResolveDependencies(JsonObject op, long jobId)
    {
        if (op["depends"] is not JsonArray deps) return;
        foreach (var dep in deps)
        {
            if (dep is not JsonArray { Count: 2 } pair || JobId(pair[0]) is not { } target)
                throw GanetiException.WrongInput("Parameter 'depends' must be a list of [job id, [statuses]] pairs");
            if (target < 0)
            {
                var absolute = jobId + target;
                if (absolute <= 0)
                    throw GanetiException.WrongInput($"Relative job dependency {target} refers to no job");
                pair[0] = absolute;
            }
            else if (target >= jobId)
                throw GanetiException.WrongInput($"Job {jobId} cannot depend on job {target}, which comes after it");
        }
    }

    /// <summary>A job id from a JSON number however it was built (parsed or created in code).</summary>
    private static long? JobId(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
        long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static void FillDependencies(JobEntry entry)
    {
        foreach (var op in entry.Job.Ops)
        {
            if (op.Input["depends"] is not JsonArray deps) continue;
            foreach (var dep in deps.OfType<JsonArray>())
            {
                var statuses = dep[1] is JsonArray s
                    ? s.Select(x => x?.ToString() ?? "").ToList()
                    : new List<string> { JobStatus.Success, JobStatus.Error, JobStatus.Canceled };
                if (statuses.Count == 0) statuses = [JobStatus.Success, JobStatus.Error, JobStatus.Canceled];
                entry.Dependencies.Add((JobId(dep[0]) ?? 0, statuses));
            }
        }
    }

    /// <summary>Re-reads dependencies of jobs loaded from disk.</summary>
    public void PrepareLoaded()
    {
        lock (sync)
            foreach (var e in jobs.Values)
                if (e.Dependencies.Count == 0)
                    FillDependencies(e);
    }

    private static string JobFileName(long id) => $"job-{id.ToString(CultureInfo.InvariantCulture)}";

    private string JobFile(long id) => Path.Combine(paths.QueueDir, JobFileName(id));

    private string ArchiveFile(long id) =>
        Path.Combine(paths.QueueArchiveDir, (id / 10000).ToString(CultureInfo.InvariantCulture), $"job-{id}");

    /// <summary>Persists the job after a change; durable for state changes, plain for log lines.</summary>
    public void Save(JobEntry entry, bool durable)
    {
        byte[] bytes;
        lock (entry.Sync)
            bytes = GanetiJson.SerializeToUtf8(entry.Job);
        AtomicFile.Write(JobFile(entry.Job.Id), bytes, durable);
        FileWritten?.Invoke(JobFileName(entry.Job.Id), bytes);
        entry.NotifyChanged();
    }

    public JobEntry? Get(long id)
    {
        lock (sync)
            return jobs.GetValueOrDefault(id);
    }

    /// <summary>A job from the queue or, failing that, from the archive.</summary>
    public Job? ReadJob(long id)
    {
        if (Get(id) is { } e)
            lock (e.Sync)
                return GanetiJson.Clone(e.Job);
        var file = ArchiveFile(id);
        return File.Exists(file) ? GanetiJson.Deserialize<Job>(File.ReadAllBytes(file)) : null;
    }

    public IReadOnlyList<JobEntry> All()
    {
        lock (sync)
            return jobs.Values.ToList();
    }

    public IReadOnlyList<long> Ids()
    {
        lock (sync)
            return jobs.Keys.ToList();
    }

    /// <summary>Moves a finished job to the archive.</summary>
    public bool Archive(long id)
    {
        lock (sync)
            return ArchiveLocked(id);
    }

    private bool ArchiveLocked(long id)
    {
        if (!jobs.TryGetValue(id, out var e) || !JobStatus.IsFinal(e.Status)) return false;
        var target = ArchiveFile(id);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        lock (e.Sync)
            File.Move(JobFile(id), target, overwrite: true);
        AtomicFile.SyncDirectory(paths.QueueDir);
        FileRenamed?.Invoke(JobFileName(id), Path.GetRelativePath(paths.QueueDir, target).Replace('\\', '/'));
        jobs.Remove(id);
        return true;
    }

    /// <summary>
    /// Archives the oldest finished jobs to make room for new ones: at this master's throughput the
    /// queue limit would otherwise be reached long before the periodic archiving runs. Archived
    /// jobs stay readable by id.
    /// </summary>
    private void MakeRoom(int needed)
    {
        var finished = jobs.Values.Where(e => JobStatus.IsFinal(e.Status)).Select(e => e.Job.Id).Take(needed).ToList();
        foreach (var id in finished)
            ArchiveLocked(id);
    }

    /// <summary>Archives finished jobs that ended more than <paramref name="age"/> ago.</summary>
    public int AutoArchive(TimeSpan age)
    {
        var cutoff = DateTimeOffset.UtcNow - age;
        var count = 0;
        foreach (var e in All())
        {
            Timestamp? end;
            lock (e.Sync) end = e.Job.EndTimestamp;
            if (end is { } t && t.ToDateTimeOffset() <= cutoff && Archive(e.Job.Id)) count++;
        }
        return count;
    }
}
