using System.Diagnostics;
using System.Globalization;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Bench;

/// <summary>
/// Generates clusters, balances each with our library and with Ganeti's hbal (under a time
/// cap), and prints scores, moves, wall time and the speed ratio.
/// Usage: HToolsBench [--hbal-cap SECONDS] [--sizes 40x320,200x2000,1000x20000] [--max-moves N] [--search auto|exhaustive|focused] [--progress EVERY-N-MOVES] [--drbd FRACTION] [--plan FILE-PREFIX]
/// </summary>
public static class SideBySide
{
    public static int Run(string[] args)
    {
        int cap = 900;
        int maxMoves = -1;
        int progress = 0;
        string? planFile = null;
        double drbd = 1.0;
        var search = BalanceSearch.Auto;
        var sizes = new List<(int, int)> { (40, 320), (200, 2000), (1000, 20000) };
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--hbal-cap") cap = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--search") search = Enum.Parse<BalanceSearch>(args[++i], ignoreCase: true);
            else if (args[i] == "--plan") planFile = args[++i];
            else if (args[i] == "--progress") progress = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--drbd") drbd = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--max-moves") maxMoves = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--sizes")
                sizes = args[++i].Split(',').Select(s => s.Split('x')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
        }
        const string hbal = "/usr/lib/ganeti/3.0/usr/bin/hbal";
        Console.WriteLine("| cluster | ours: initial → final (moves, s) | hbal: initial → final (moves, s) | speed-up |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (nodes, insts) in sizes)
        {
            var file = Path.Combine(Path.GetTempPath(), $"htools-bench-{nodes}x{insts}-{drbd:F2}.txt");
            // Denser clusters get bigger nodes, so that they are unbalanced rather than simply full.
            bool dense = insts > nodes * 12;
            File.WriteAllText(file, ClusterGenerator.Generate(new ClusterShape
            {
                Nodes = nodes, Instances = insts, Seed = 1, DownInstances = false, DrbdFraction = drbd,
                NodeMemory = dense ? 131072 : 65536, NodeCpus = dense ? 64 : 32, NodeDisk = dense ? 4 * 1024 * 1024 : 2 * 1024 * 1024,
            }));
            var cd = ClusterLoader.LoadText(File.ReadAllText(file));
            var sw = Stopwatch.StartNew();
            var bal = Balancer.ForGroup(cd, 0, new BalanceOptions { MaxLength = maxMoves, Search = search });
            double ini = bal.CurrentScore();
            var plan = bal.Run(step =>
            {
                if (progress > 0 && bal.Steps % progress == 0)
                    Console.Error.WriteLine($"  {bal.Steps} moves, score {step.Score:F6}, {sw.Elapsed.TotalSeconds:F1} s, {bal.ExhaustiveRounds} exhaustive ({bal.ExhaustiveTime.TotalSeconds:F1} s), {bal.RememberedRounds} remembered rounds");
            });
            sw.Stop();
            if (planFile is not null)
                File.WriteAllLines($"{planFile}.{nodes}x{insts}", plan.Select(p =>
                    $"{p.Instance} {p.Move.Kind} {p.Move.Target} {p.NewPrimary} {p.NewSecondary} {BitConverter.DoubleToInt64Bits(p.Score):X16} {p.Score:R}"));
            Console.Error.WriteLine($"{nodes}x{insts}: {plan.Count} moves, {bal.ExhaustiveRounds} exhaustive rounds ({bal.ExhaustiveTime.TotalSeconds:F1} s), "
                + $"{bal.FocusedRounds} focused and {bal.RememberedRounds} remembered rounds ({bal.FocusedTime.TotalSeconds:F1} s), {sw.Elapsed.TotalSeconds:F1} s");
            double fin = plan.Count > 0 ? plan[^1].Score : ini;
            // The last step's score is the final state's, recomputed from scratch.
            double check = bal.CurrentScore();
            if (Math.Abs(check - fin) > 1e-9)
                throw new InvalidOperationException($"final score {fin} differs from the recomputed {check}");
            var d = Ganeti.HTools.Scoring.Metrics.Detailed(bal.GroupNodes.Select(i => cd.Nodes[i]));
            Console.Error.WriteLine("  final metrics: " + string.Join(", ", Enumerable.Range(0, d.Length).Where(m => d[m] != 0)
                .Select(m => $"{Ganeti.HTools.Scoring.Metrics.Names[m]}={d[m]:F4}")) + $"; optimum {bal.OptimalScore():F4}");
            string theirs = "not installed";
            string ratio = "-";
            if (File.Exists(hbal))
            {
                var psi = new ProcessStartInfo(hbal) { RedirectStandardOutput = true, RedirectStandardError = true };
                psi.ArgumentList.Add("-t"); psi.ArgumentList.Add(file);
                if (maxMoves >= 0) psi.ArgumentList.Add($"-l{maxMoves}");
                var hw = Stopwatch.StartNew();
                using var p = Process.Start(psi)!;
                var outTask = p.StandardOutput.ReadToEndAsync();
                _ = p.StandardError.ReadToEndAsync();
                bool done = p.WaitForExit(cap * 1000);
                if (!done) p.Kill(true);
                hw.Stop();
                var text = outTask.Result;
                var h = Parse(text);
                theirs = done
                    ? $"{h.Ini:F8} → {h.Fin:F8} ({h.Moves}, {hw.Elapsed.TotalSeconds:F1})"
                    : $"{h.Ini:F8} → stopped after {cap} s with {h.Moves} moves, score {h.Fin:F8}";
                double perMoveTheirs = hw.Elapsed.TotalSeconds / Math.Max(1, h.Moves);
                double perMoveOurs = sw.Elapsed.TotalSeconds / Math.Max(1, plan.Count);
                ratio = done ? $"{hw.Elapsed.TotalSeconds / sw.Elapsed.TotalSeconds:F0}×" : $"{perMoveTheirs / perMoveOurs:F0}× per move";
            }
            Console.WriteLine($"| {nodes} nodes / {insts} {(drbd >= 1 ? "drbd" : $"({drbd:P0} drbd)")} | {ini:F8} → {fin:F8} ({plan.Count}, {sw.Elapsed.TotalSeconds:F1}) | {theirs} | {ratio} |");
        }
        return 0;
    }

    private static (double Ini, double Fin, int Moves) Parse(string text)
    {
        double ini = double.NaN, fin = double.NaN;
        int moves = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("Initial score: ", StringComparison.Ordinal)) ini = double.Parse(line[15..], CultureInfo.InvariantCulture);
            var t = line.TrimStart();
            int dot = t.IndexOf(". ", StringComparison.Ordinal);
            if (dot > 0 && t[..dot].All(char.IsDigit))
            {
                moves++;
                var parts = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var sc = parts.FirstOrDefault(x => x.Contains('.') && double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !x.EndsWith('.'));
                if (sc is not null) fin = double.Parse(sc, CultureInfo.InvariantCulture);
            }
            if (line.StartsWith("Cluster score improved from", StringComparison.Ordinal))
                fin = double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
        }
        if (double.IsNaN(fin)) fin = ini;
        return (ini, fin, moves);
    }
}
