using Ganeti.HTools.Cli;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Bench;

/// <summary>
/// Entry point: `cli TOOL ARGS...` runs our tool, `gen FILE [nodes instances seed]` writes a cluster,
/// `gen-shape FILE JSON` writes one of any shape (a ClusterShape as JSON, e.g. {"Nodes":8,"Groups":2}).
/// </summary>
public static class BenchMain
{
    public static int Run(string[] args)
    {
        if (args.Length >= 2 && args[0] == "cli")
            return HToolsCli.Run(args[1], args[2..], Console.Out, Console.Error);
        if (args.Length >= 2 && args[0] == "gen")
        {
            int n = args.Length > 2 ? int.Parse(args[2]) : 40;
            int i = args.Length > 3 ? int.Parse(args[3]) : 320;
            int seed = args.Length > 4 ? int.Parse(args[4]) : 1;
            File.WriteAllText(args[1], ClusterGenerator.Generate(new ClusterShape { Nodes = n, Instances = i, Seed = seed }));
            return 0;
        }
        if (args.Length == 3 && args[0] == "gen-shape")
        {
            var shape = System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(args[2])
                ?? throw new ArgumentException("gen-shape needs a ClusterShape as JSON");
            File.WriteAllText(args[1], ClusterGenerator.Generate(shape));
            return 0;
        }
        if (args.Length >= 3 && args[0] == "ialloc")
        {
            var cd = Ganeti.HTools.Text.TextLoader.Parse(File.ReadAllText(args[1]));
            var req = System.Text.Json.Nodes.JsonNode.Parse(args[2])!.AsObject();
            Console.WriteLine(Ganeti.HTools.Allocation.IAllocatorInput.Build(cd, req));
            return 0;
        }
        return SideBySide.Run(args);
    }
}
