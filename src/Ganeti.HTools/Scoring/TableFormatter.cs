using System.Text;

namespace Ganeti.HTools.Scoring;

/// <summary>Aligned text tables in the layout Ganeti's tools print (numbers right-aligned).</summary>
public static class TableFormatter
{
    public static string Format(string prefix, IReadOnlyList<string> header, IReadOnlyList<string[]> rows, IReadOnlyList<bool> numeric)
    {
        var all = new List<string[]> { header.ToArray() };
        all.AddRange(rows);
        int cols = header.Count;
        var widths = new int[cols];
        foreach (var r in all) for (int c = 0; c < cols; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        var sb = new StringBuilder();
        foreach (var r in all)
        {
            var cells = new List<string>();
            for (int c = 0; c < cols; c++)
            {
                bool last = c == cols - 1;
                cells.Add(numeric[c] ? r[c].PadLeft(widths[c]) : (last ? r[c] : r[c].PadRight(widths[c])));
            }
            sb.Append(prefix).Append(' ').Append(string.Join(" ", cells)).Append('\n');
        }
        return sb.ToString();
    }
}
