using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// How upload_file carries a file's bytes. Small files go as base64 in <c>data</c>; larger ones
/// (the configuration grows to megabytes) are zlib-compressed first, as Ganeti's RPC does with
/// uploads, and go in <c>data_zlib</c> with the SHA-256 of the uncompressed bytes, which the
/// node checks before it writes anything. A node that does not know <c>data_zlib</c> refuses the
/// call for want of <c>data</c> instead of writing compressed bytes.
/// </summary>
public static class UploadContent
{
    /// <summary>Below this size compression saves less than it costs.</summary>
    public const int CompressAbove = 16 * 1024;

    /// <summary>Refuses a claimed expansion beyond this: no configuration comes near it.</summary>
    public const long MaxSize = 1L << 30;

    /// <summary>The content fields for <paramref name="data"/>, to merge into the call's arguments.</summary>
    public static JsonObject Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length <= CompressAbove)
            return new JsonObject { ["data"] = Convert.ToBase64String(data) };
        using var packed = new MemoryStream(data.Length / 4);
        using (var z = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
            z.Write(data);
        return new JsonObject
        {
            ["data_zlib"] = Convert.ToBase64String(packed.GetBuffer().AsSpan(0, (int)packed.Length)),
            ["size"] = data.Length,
            ["sha256"] = Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant(),
        };
    }

    /// <summary>The file's bytes from the call's arguments, or an <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static byte[] Decode(JsonObject args)
    {
        if (args["data"] is JsonValue plain)
            return FromBase64(plain.TryGetValue<string>(out var s) ? s : throw new InvalidDataException("'data' is not a string"), "data");
        if (args["data_zlib"] is not JsonValue packedValue || !packedValue.TryGetValue<string>(out var packedText))
            throw new InvalidDataException("neither 'data' nor 'data_zlib' is given");
        // Read from its JSON text: a value built in this process may hold an int, one parsed from the wire an element.
        if (args["size"] is not JsonValue sizeValue
            || !long.TryParse(sizeValue.ToJsonString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
            || size > MaxSize)
            throw new InvalidDataException($"'size' must be a byte count up to {MaxSize} with 'data_zlib'");
        if (args["sha256"] is not JsonValue shaValue || !shaValue.TryGetValue<string>(out var sha) || sha.Length != 64)
            throw new InvalidDataException("'sha256' (64 hex digits) must come with 'data_zlib'");
        var packed = FromBase64(packedText, "data_zlib");
        var data = new byte[size];
        using (var z = new ZLibStream(new MemoryStream(packed), CompressionMode.Decompress))
        {
            try
            {
                z.ReadExactly(data);
            }
            catch (EndOfStreamException)
            {
                throw new InvalidDataException($"'data_zlib' expands to fewer than the {size} bytes announced");
            }
            if (z.ReadByte() != -1)
                throw new InvalidDataException($"'data_zlib' expands to more than the {size} bytes announced");
        }
        if (!string.Equals(Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant(), sha, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException("the content does not match its SHA-256: it was damaged on the way");
        return data;
    }

    private static byte[] FromBase64(string text, string field)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"'{field}' is not valid base64");
        }
    }
}
