using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.FileStorage;

/// <summary>Disk image formats of file-based disks: raw (Ganeti's only one) and qcow2 (qemu-img).</summary>
public static class ImageFormat
{
    public const string Raw = "raw";
    public const string Qcow2 = "qcow2";

    private static readonly byte[] Qcow2Magic = [(byte)'Q', (byte)'F', (byte)'I', 0xfb];

    /// <summary>The format a disk asks for in its "format" disk parameter; raw when absent.</summary>
    public static string Requested(string? value) => value switch
    {
        null or "" or Raw => Raw,
        Qcow2 => Qcow2,
        _ => throw GanetiException.WrongInput($"Unsupported disk image format '{value}' (use raw or qcow2)"),
    };

    /// <summary>The format of an existing image, from its header.</summary>
    public static string Detect(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return f.Read(head) == 4 && head.SequenceEqual(Qcow2Magic) ? Qcow2 : Raw;
    }
}
