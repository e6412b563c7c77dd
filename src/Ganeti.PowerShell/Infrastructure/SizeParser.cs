using System.Globalization;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Sizes as Ganeti's CLI takes them, in MiB: "512" (MiB), "512M", "10G", "1T", "1.5g". A bare
/// number of at least 1 GiB counts as bytes, so PowerShell's own 10GB literal works too.
/// </summary>
public static class SizeParser
{
    public const long BytesThreshold = 1L << 30;

    public static long ParseMiB(string text)
    {
        var s = text.Trim();
        if (s.Length == 0) throw new FormatException("A size is empty.");
        var unitStart = s.Length;
        while (unitStart > 0 && char.IsLetter(s[unitStart - 1])) unitStart--;
        var number = s[..unitStart].Trim();
        var unit = s[unitStart..].ToUpperInvariant();
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
            throw new FormatException($"'{text}' is not a size; use a number of MiB or a number with M, G or T.");
        double mib = unit switch
        {
            "" when value >= BytesThreshold => value / (1 << 20),
            "" or "M" or "MB" or "MIB" => value,
            "G" or "GB" or "GIB" => value * 1024,
            "T" or "TB" or "TIB" => value * 1024 * 1024,
            "K" or "KB" or "KIB" => value / 1024,
            _ => throw new FormatException($"'{text}' has an unknown unit '{unit}'; use M, G or T."),
        };
        // Ganeti rounds up to whole MiB.
        return (long)Math.Ceiling(mib);
    }

    /// <summary>
    /// A size argument as given to a parameter: a number (not text) of at least 1 MiB is bytes,
    /// as PowerShell's 512MB and 10GB literals are, and becomes "NNNM"; a smaller number is MiB
    /// as in Ganeti's CLI; anything else is returned as is, for <see cref="ParseMiB"/>.
    /// </summary>
    public static object FromArgument(object? value)
    {
        double? number = value switch
        {
            int i => i,
            long l => l,
            uint u => u,
            ulong ul => ul,
            double d => d,
            float f => f,
            decimal m => (double)m,
            _ => null,
        };
        if (number is not { } n)
            return value!;
        if (n < 0)
            throw new FormatException($"A size cannot be negative: {n.ToString(CultureInfo.InvariantCulture)}.");
        var mib = n >= 1 << 20 ? Math.Ceiling(n / (1 << 20)) : Math.Ceiling(n);
        return mib.ToString("0", CultureInfo.InvariantCulture) + "M";
    }
}
