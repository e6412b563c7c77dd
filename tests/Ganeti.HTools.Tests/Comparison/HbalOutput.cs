using System.Globalization;
using System.Text.RegularExpressions;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>The summary lines of hbal's output.</summary>
public sealed partial record HbalOutput(double Initial, double Final, int Moves)
{
    public static HbalOutput Parse(string text)
    {
        var ini = InitialRx().Match(text);
        Assert.True(ini.Success, "no 'Initial score' line in:\n" + text);
        double initial = double.Parse(ini.Groups[1].Value, CultureInfo.InvariantCulture);
        var fin = FinalRx().Match(text);
        double final = fin.Success ? double.Parse(fin.Groups[1].Value, CultureInfo.InvariantCulture) : initial;
        int moves = StepRx().Matches(text).Count;
        return new HbalOutput(initial, final, moves);
    }

    [GeneratedRegex(@"Initial score: ([0-9.]+)")] private static partial Regex InitialRx();
    [GeneratedRegex(@"Cluster score improved from [0-9.]+ to ([0-9.]+)")] private static partial Regex FinalRx();
    [GeneratedRegex(@"^\s+\d+\. ", RegexOptions.Multiline)] private static partial Regex StepRx();
}
