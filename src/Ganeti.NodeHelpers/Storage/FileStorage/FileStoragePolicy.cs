using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.FileStorage;

/// <summary>
/// Ganeti's file-storage-paths rule: a file-based disk may only live strictly below one of
/// the directories the node allows (its configured list plus etc/ganeti/file-storage-paths).
/// Paths must be absolute and normalized; in addition, symbolic links may not lead out of
/// the allowed directory.
/// </summary>
public sealed class FileStoragePolicy(Func<IEnumerable<string>> allowedPaths)
{
    public FileStoragePolicy(NodeContext context)
        : this(() => context.AllowedFileStoragePaths.Concat(ReadPathsFile(context.Paths.FileStoragePathsFile)))
    {
    }

    public IReadOnlyList<string> AllowedPaths =>
        [.. allowedPaths().Where(p => Path.IsPathFullyQualified(p)).Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).Distinct()];

    /// <summary>Lines of Ganeti's file-storage-paths file: absolute paths, '#' comments.</summary>
    public static IEnumerable<string> ReadPathsFile(string file)
    {
        if (!File.Exists(file))
            return [];
        return File.ReadAllLines(file)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'));
    }

    /// <summary>Throws unless path is acceptable for a file-based disk.</summary>
    public void Check(string path)
    {
        if (!Path.IsPathFullyQualified(path))
            throw GanetiException.WrongInput($"File storage path '{path}' is not absolute");
        var normalized = Path.GetFullPath(path);
        if (normalized != path || path.EndsWith('/'))
            throw GanetiException.WrongInput($"File storage path '{path}' is not normalized");
        var allowed = AllowedPaths;
        if (allowed.Count == 0)
            throw GanetiException.Prereq("No paths are allowed for file storage on this node (see file-storage-paths)",
                ErrorCodes.Environment);
        var root = allowed.FirstOrDefault(a => IsBelow(a, path))
            ?? throw GanetiException.Prereq(
                $"Path '{path}' is not acceptable for file storage: it is not below any of {string.Join(", ", allowed)}",
                ErrorCodes.WrongInput);
        // The nearest existing ancestor, with links resolved, must still be inside the root.
        var existing = Path.GetDirectoryName(path)!;
        while (!Directory.Exists(existing) && existing != root && existing.Length > root.Length)
            existing = Path.GetDirectoryName(existing)!;
        if (Directory.Exists(existing) && Directory.Exists(root))
        {
            var realRoot = RealPath(root);
            var realDir = RealPath(existing);
            if (realDir != realRoot && !IsBelow(realRoot, realDir))
                throw GanetiException.Prereq(
                    $"Path '{path}' is not acceptable for file storage: '{existing}' leads to '{realDir}', outside '{root}'",
                    ErrorCodes.WrongInput);
        }
        if (File.Exists(path) && new FileInfo(path).LinkTarget is not null)
            throw GanetiException.Prereq($"File storage path '{path}' is a symbolic link", ErrorCodes.WrongInput);
    }

    /// <summary>The allowed root a path sits under, or null.</summary>
    public string? RootOf(string path) => AllowedPaths.FirstOrDefault(a => IsBelow(a, path));

    private static bool IsBelow(string root, string path)
    {
        var prefix = root.EndsWith('/') ? root : root + "/";
        return path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>realpath(3) for an existing directory: each component's link resolved, from the top.</summary>
    private static string RealPath(string path)
    {
        var result = "/";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            var target = new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true);
            result = target is null ? next : Path.GetFullPath(target.FullName);
        }
        return result;
    }
}
