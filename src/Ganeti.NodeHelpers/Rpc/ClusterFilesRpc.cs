using System.Text;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>
/// Node procedures through which the master keeps a node's copy of the cluster's files: the
/// configuration and known_hosts (master candidates), the ssconf files (every node) and the job
/// queue (master candidates). Only the names in <see cref="ClusterFiles"/> are written, always
/// under this node's own root, atomically.
/// </summary>
public static class ClusterFilesRpc
{
    public static void Register(NodeRpcDispatcher d, NodeContext ctx)
    {
        var root = ctx.Paths.Root;

        d.Register(NodeProcedures.UploadFile, (args, _) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.UploadFile);
            var name = RpcArgs.Get<string>(a, "file_name", NodeProcedures.UploadFile);
            if (!ClusterFiles.Uploadable.Contains(name))
                throw GanetiException.Prereq($"Node {ctx.NodeName}: {name} is not a file the master may upload", ErrorCodes.WrongInput);
            byte[] data;
            try
            {
                data = UploadContent.Decode(a);
            }
            catch (InvalidDataException e)
            {
                throw GanetiException.Program($"{NodeProcedures.UploadFile} of {name}: {e.Message}");
            }
            var mode = RpcArgs.GetOptional<int?>(a, "mode");
            WriteAtomically(Path.Combine(root, name), data, mode is { } m ? (UnixFileMode)m : UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (name == ClusterFiles.ConfigData) ctx.ClusterFilesChanged?.Invoke();
            return Task.FromResult<JsonNode?>(null);
        });

        d.Register(NodeProcedures.WriteSsconfFiles, (args, _) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.WriteSsconfFiles);
            var values = RpcArgs.Get<Dictionary<string, string>>(a, "values", NodeProcedures.WriteSsconfFiles);
            var bad = values.Keys.Where(k => !ClusterFiles.IsSsconfKey(k)).ToList();
            if (bad.Count > 0)
                throw GanetiException.Prereq($"Node {ctx.NodeName}: invalid ssconf key(s): {string.Join(", ", bad)}", ErrorCodes.WrongInput);
            var written = 0;
            foreach (var (key, value) in values)
            {
                var file = ctx.Paths.SsconfPrefix + key;
                var bytes = Encoding.UTF8.GetBytes(value + "\n");
                if (File.Exists(file) && File.ReadAllBytes(file).AsSpan().SequenceEqual(bytes)) continue;
                WriteAtomically(file, bytes, DefaultMode, durable: false);
                written++;
            }
            // A node running since before it joined learns where file disks may live from here.
            var fileDirs = new[] { "file_storage_dir", "shared_file_storage_dir" }
                .Select(k => values.GetValueOrDefault(k)).Where(v => !string.IsNullOrEmpty(v)).OfType<string>().ToList();
            if (fileDirs.Count > 0)
                ctx.AllowedFileStoragePaths = fileDirs;
            if (written > 0) ctx.ClusterFilesChanged?.Invoke();
            return Task.FromResult<JsonNode?>(written);
        });

        d.Register(NodeProcedures.JobQueueUpdate, (args, _) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.JobQueueUpdate);
            var name = QueueName(RpcArgs.Get<string>(a, "file_name", NodeProcedures.JobQueueUpdate), ctx);
            var content = Decode(RpcArgs.Get<string>(a, "content", NodeProcedures.JobQueueUpdate), NodeProcedures.JobQueueUpdate);
            WriteAtomically(Path.Combine(ctx.Paths.QueueDir, name), content, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return Task.FromResult<JsonNode?>(null);
        });

        d.Register(NodeProcedures.JobQueueRename, (args, _) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.JobQueueRename);
            var renames = RpcArgs.Get<List<List<string>>>(a, "renames", NodeProcedures.JobQueueRename);
            foreach (var pair in renames)
            {
                if (pair.Count != 2) throw GanetiException.Program($"{NodeProcedures.JobQueueRename}: each rename is [old, new]");
                var from = Path.Combine(ctx.Paths.QueueDir, QueueName(pair[0], ctx));
                var to = Path.Combine(ctx.Paths.QueueDir, QueueName(pair[1], ctx));
                if (!File.Exists(from)) continue; // this copy never had it (e.g. a candidate that was offline)
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Move(from, to, overwrite: true);
            }
            return Task.FromResult<JsonNode?>(null);
        });

        // Ganeti keeps a backup of the demoted node's configuration copy rather than deleting it.
        // The secrets that only a possible master needs go.
        d.Register(NodeProcedures.NodeDemoteFromMc, (_, _) =>
        {
            if (File.Exists(ctx.Paths.ConfigData))
                File.Move(ctx.Paths.ConfigData, ctx.Paths.ConfigData + ".demoted", overwrite: true);
            foreach (var f in new[] { ctx.Paths.ClusterSshKey, ctx.Paths.RapiUsers, ctx.Paths.RapiCert })
                if (File.Exists(f)) File.Delete(f);
            return Task.FromResult<JsonNode?>(null);
        });

        d.Register(NodeProcedures.NodeLeaveCluster, (_, _) =>
        {
            var removed = new List<string>();
            void Remove(string file)
            {
                if (!File.Exists(file)) return;
                File.Delete(file);
                removed.Add(Path.GetRelativePath(root, file));
            }
            Remove(ctx.Paths.ConfigData);
            Remove(ctx.Paths.KnownHosts);
            foreach (var f in new[] { ctx.Paths.ClusterSshKey, ctx.Paths.ClusterSshPublicKey, ctx.Paths.ClusterCert, ctx.Paths.RapiCert,
                         ctx.Paths.RapiUsers, ctx.Paths.ClusterDomainSecret })
                Remove(f);
            if (Directory.Exists(ctx.Paths.DataDir))
                foreach (var f in Directory.EnumerateFiles(ctx.Paths.DataDir, "ssconf_*")) Remove(f);
            if (Directory.Exists(ctx.Paths.QueueDir))
            {
                foreach (var f in Directory.EnumerateFiles(ctx.Paths.QueueDir, "job-*")) Remove(f);
                Remove(ctx.Paths.QueueSerial);
            }
            return Task.FromResult<JsonNode?>(new JsonArray(removed.Select(r => (JsonNode?)r).ToArray()));
        });
    }

    private const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static string QueueName(string name, NodeContext ctx) =>
        ClusterFiles.IsQueueFile(name)
            ? name
            : throw GanetiException.Prereq($"Node {ctx.NodeName}: {name} is not a job queue file", ErrorCodes.WrongInput);

    private static byte[] Decode(string base64, string procedure)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw GanetiException.Program($"{procedure}: the content is not valid base64");
        }
    }

    /// <summary>Temporary file, fsync, rename: a reader sees the old or the new file, never a part.</summary>
    private static void WriteAtomically(string path, byte[] content, UnixFileMode mode, bool durable = true)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            using (var fs = new FileStream(tmp, options))
            {
                fs.Write(content);
                if (durable) fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }
}
