namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>How disk data leaves or enters a disk.</summary>
public enum DiskDataMode
{
    /// <summary>Through the OS definition's export and import scripts (Ganeti's backup export/import).</summary>
    OsScripts,

    /// <summary>The disk's raw bytes (instance move, or an OS without usable scripts on the node).</summary>
    Raw,
}
