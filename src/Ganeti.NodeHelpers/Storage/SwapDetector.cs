namespace Ganeti.NodeHelpers.Storage;

/// <summary>Recognises Linux swap areas by their signature at the end of the first page.</summary>
public static class SwapDetector
{
    private static readonly int[] PageSizes = [4096, 8192, 16384, 65536];

    public static bool IsSwap(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Span<byte> sig = stackalloc byte[10];
            foreach (var page in PageSizes)
            {
                f.Position = page - 10;
                if (f.ReadAtLeast(sig, 10, throwOnEndOfStream: false) < 10)
                    return false;
                if (sig.SequenceEqual("SWAPSPACE2"u8) || sig.SequenceEqual("SWAP-SPACE"u8))
                    return true;
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
