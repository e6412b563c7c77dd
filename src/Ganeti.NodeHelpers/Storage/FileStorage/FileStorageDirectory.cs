using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.FileStorage;

/// <summary>
/// Whether a file storage directory can hold disks on this node (what cluster verify calls
/// ENODEFILESTORAGEPATHUNUSABLE): it exists, is a directory, and a file can be created and
/// removed in it.
/// </summary>
public static class FileStorageDirectory
{
    /// <summary>Throws a GanetiException naming the directory and what is wrong with it.</summary>
    public static void CheckUsable(string dir)
    {
        if (!Path.IsPathFullyQualified(dir))
            throw GanetiException.Prereq($"File storage directory '{dir}' is not an absolute path", ErrorCodes.WrongInput);
        if (!Directory.Exists(dir))
            throw GanetiException.Prereq(
                File.Exists(dir) ? $"File storage directory {dir} is not a directory" : $"File storage directory {dir} does not exist",
                ErrorCodes.Environment);
        var probe = Path.Combine(dir, $".ganeti-write-check-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write))
            {
            }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GanetiException.Prereq($"File storage directory {dir} is not writable: {e.Message}", ErrorCodes.Environment);
        }
    }
}
