using System.Globalization;

namespace Ganeti.HTools.Text;

/// <summary>
/// Numbers written the way Ganeti's tools write them, so that their output and ours can be
/// compared byte for byte: Haskell's <c>show</c> for a double and its <c>printf "%.Nf"</c>.
/// </summary>
public static class HaskellShow
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Haskell's <c>show</c> for a double: the shortest digits that identify it, in fixed
    /// notation from 0.1 up to 10^7 (4.0, 2.5, 0.1, 1234567.0) and in scientific notation with
    /// one digit before the point otherwise (1.0e-2, 1.0e7, 1.2345e-5).
    /// </summary>
    public static string Double(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        var (digits, exp) = ShortestDigits(Math.Abs(d));
        string sign = d < 0 ? "-" : "";
        if (exp >= -1 && exp < 7)
        {
            if (exp == -1) return sign + "0." + digits;
            string whole = digits.Length > exp + 1 ? digits[..(exp + 1)] : digits.PadRight(exp + 1, '0');
            string frac = digits.Length > exp + 1 ? digits[(exp + 1)..] : "0";
            return sign + whole + "." + frac;
        }
        return sign + digits[0] + "." + (digits.Length > 1 ? digits[1..] : "0") + "e" + exp.ToString(Inv);
    }

    /// <summary>
    /// Haskell's <c>printf "%.Nf"</c> (N = <paramref name="decimals"/>): the shortest decimal
    /// that identifies the double, rounded half to even. This differs from .NET's "F8", which
    /// rounds the exact binary value: 0.119921875 (just below in binary) is 0.11992188 in Ganeti.
    /// </summary>
    public static string Fixed(double x, int decimals = 8)
    {
        string format = "F" + decimals.ToString(Inv);
        if (double.IsNaN(x) || double.IsInfinity(x) || Math.Abs(x) >= 7e27) return x.ToString(format, Inv);
        var shortest = decimal.Parse(x.ToString("R", Inv), NumberStyles.Float, Inv);
        return Math.Round(shortest, decimals, MidpointRounding.ToEven).ToString(format, Inv);
    }

    /// <summary>The shortest significant digits of a positive double (no trailing zeros) and the power of ten of the first.</summary>
    private static (string Digits, int Exponent) ShortestDigits(double a)
    {
        var r = a.ToString("R", Inv);
        int e = 0;
        int ePos = r.IndexOfAny(new[] { 'E', 'e' });
        if (ePos >= 0)
        {
            e = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, Inv);
            r = r[..ePos];
        }
        int point = r.IndexOf('.', StringComparison.Ordinal);
        if (point < 0) point = r.Length;
        var all = r.Replace(".", "", StringComparison.Ordinal);
        int lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        var digits = all[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        return (digits, point - 1 - lead + e);
    }
}
