using System.IO.Compression;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>Ganeti's transport compression modes (IEC_*) that we implement in-process.</summary>
public static class StreamCompression
{
    public const string None = "none";
    public const string Gzip = "gzip";
    public const string GzipFast = "gzip-fast";
    public const string GzipSlow = "gzip-slow";

    public static readonly IReadOnlyList<string> All = [None, Gzip, GzipFast, GzipSlow];

    public static void Check(string mode)
    {
        if (!All.Contains(mode))
            throw GanetiException.WrongInput($"Unsupported transport compression '{mode}' (use {string.Join(", ", All)})");
    }

    public static Stream Compress(string mode, Stream inner) => mode switch
    {
        None => inner,
        Gzip => new GZipStream(inner, CompressionLevel.Optimal, leaveOpen: true),
        GzipFast => new GZipStream(inner, CompressionLevel.Fastest, leaveOpen: true),
        GzipSlow => new GZipStream(inner, CompressionLevel.SmallestSize, leaveOpen: true),
        _ => throw GanetiException.WrongInput($"Unsupported transport compression '{mode}'"),
    };

    public static Stream Decompress(string mode, Stream inner) => mode switch
    {
        None => inner,
        Gzip or GzipFast or GzipSlow => new GZipStream(inner, CompressionMode.Decompress, leaveOpen: true),
        _ => throw GanetiException.WrongInput($"Unsupported transport compression '{mode}'"),
    };
}
