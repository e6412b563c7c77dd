namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    private static int RunHail(CliOptions o, TextWriter output, TextWriter err)
    {
        string? path = o.Args.FirstOrDefault() ?? o.IAllocSrc;
        if (path is null) return Fail(err, "Error: this program needs an input file.");
        output.WriteLine(Allocation.IAllocatorService.Process(File.ReadAllText(path)));
        return 0;
    }

    private static int RunHspace(CliOptions o, TextWriter output, TextWriter err) => Fail(err, "not yet");
    private static int RunHroller(CliOptions o, TextWriter output, TextWriter err) => Fail(err, "not yet");
    private static int RunHinfo(CliOptions o, TextWriter output, TextWriter err) => Fail(err, "not yet");
    private static int RunHcheck(CliOptions o, TextWriter output, TextWriter err) => Fail(err, "not yet");
}
