namespace Ganeti.HTools.Model;

/// <summary>Disk templates in Ganeti's declaration order (the order matters for serialized policies).</summary>
public enum DiskTemplate { Diskless, File, SharedFile, Plain, Block, Drbd, Rbd, Ext, Gluster }

public enum MirrorType { None, Internal, External }

public static class DiskTemplates
{
    public static readonly DiskTemplate[] All = Enum.GetValues<DiskTemplate>();

    public static string ToRaw(DiskTemplate t) => t switch
    {
        DiskTemplate.Diskless => "diskless",
        DiskTemplate.File => "file",
        DiskTemplate.SharedFile => "sharedfile",
        DiskTemplate.Plain => "plain",
        DiskTemplate.Block => "blockdev",
        DiskTemplate.Drbd => "drbd",
        DiskTemplate.Rbd => "rbd",
        DiskTemplate.Ext => "ext",
        DiskTemplate.Gluster => "gluster",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static DiskTemplate FromRaw(string s) => s switch
    {
        "diskless" => DiskTemplate.Diskless,
        "file" => DiskTemplate.File,
        "sharedfile" => DiskTemplate.SharedFile,
        "plain" => DiskTemplate.Plain,
        "blockdev" => DiskTemplate.Block,
        "drbd" => DiskTemplate.Drbd,
        "rbd" => DiskTemplate.Rbd,
        "ext" => DiskTemplate.Ext,
        "gluster" => DiskTemplate.Gluster,
        _ => throw new FormatException($"Unknown disk template '{s}'"),
    };

    public static MirrorType Mirror(DiskTemplate t) => t switch
    {
        DiskTemplate.Drbd => MirrorType.Internal,
        DiskTemplate.Block or DiskTemplate.SharedFile or DiskTemplate.Gluster
            or DiskTemplate.Rbd or DiskTemplate.Ext => MirrorType.External,
        _ => MirrorType.None,
    };

    /// <summary>Templates whose disks live on the node's own volume group.</summary>
    public static bool UsesLocalStorage(DiskTemplate t) => t is DiskTemplate.Drbd or DiskTemplate.Plain;

    public static bool SupportsMoves(DiskTemplate t) => Mirror(t) != MirrorType.None;

    public static int RequiredNodes(DiskTemplate t) => t == DiskTemplate.Drbd ? 2 : 1;
}
