using Ganeti.HTools.Text;

namespace Ganeti.HTools.Tests.Text;

/// <summary>Numbers as Ganeti's Haskell tools print them (show and printf).</summary>
public sealed class HaskellShowTests
{
    [Theory]
    [InlineData(4.0, "4.0")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(32.0, "32.0")]
    [InlineData(123.456, "123.456")]
    [InlineData(9999999.0, "9999999.0")]
    [InlineData(1e7, "1.0e7")]
    [InlineData(12345678.9, "1.23456789e7")]
    [InlineData(0.05, "5.0e-2")]
    [InlineData(0.01, "1.0e-2")]
    [InlineData(1.2345e-5, "1.2345e-5")]
    [InlineData(1e21, "1.0e21")]
    [InlineData(-3.5, "-3.5")]
    [InlineData(-0.002, "-2.0e-3")]
    [InlineData(0.0, "0.0")]
    [InlineData(237.5, "237.5")]
    public void DoubleIsShownAsHaskellShowsIt(double x, string expected) => Assert.Equal(expected, HaskellShow.Double(x));

    [Theory]
    // The shortest decimal rounds half to even, unlike .NET's F8 on the binary value.
    [InlineData(0.119921875, 8, "0.11992188")]
    [InlineData(1.30948088, 8, "1.30948088")]
    [InlineData(2.5, 0, "2")]
    [InlineData(3.5, 0, "4")]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(0.375, 2, "0.38")]
    [InlineData(46.667527594, 8, "46.66752759")]
    [InlineData(0.0, 3, "0.000")]
    public void FixedRoundsTheShortestDecimalHalfToEven(double x, int decimals, string expected)
        => Assert.Equal(expected, HaskellShow.Fixed(x, decimals));
}
