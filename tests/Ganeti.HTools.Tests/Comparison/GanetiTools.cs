using System.Diagnostics;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>Locates and runs Ganeti's htools binaries (Debian package ganeti-htools-3.0).</summary>
public static class GanetiTools
{
    private static readonly string[] Dirs = { "/usr/lib/ganeti/3.0/usr/bin", "/usr/bin", "/usr/local/bin" };

    public static string Require(string tool)
    {
        foreach (var d in Dirs)
        {
            var p = Path.Combine(d, tool);
            if (File.Exists(p)) return p;
        }
        Assert.Fail($"Ganeti's '{tool}' binary was not found (looked in {string.Join(", ", Dirs)}). " +
                    "These comparison tests need the reference implementation: apt-get install ganeti-htools-3.0");
        return "";
    }

    /// <summary>
    /// Runs one of Ganeti's tools. The time limit only guards against a hang: some of Ganeti's
    /// runs take tens of seconds on their own and several times that on a loaded machine.
    /// </summary>
    public static (int Code, string Out, string Err) Run(string tool, IEnumerable<string> args, int timeoutMs = 600_000)
    {
        var psi = new ProcessStartInfo(Require(tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(true);
            Assert.Fail($"{tool} did not finish within {timeoutMs} ms");
        }
        return (p.ExitCode, so.Result, se.Result);
    }

    private const string HailPath = "/usr/lib/ganeti/3.0/usr/lib/ganeti/iallocators/hail";

    /// <summary>Ganeti's hail on an IAllocator input: its JSON answer.</summary>
    public static System.Text.Json.Nodes.JsonObject Hail(string input)
    {
        if (!File.Exists(HailPath))
            Assert.Fail($"Ganeti's hail was not found at {HailPath}; these comparison tests need apt-get install ganeti-htools-3.0");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, input);
            var psi = new ProcessStartInfo(HailPath) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(file);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var o = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"hail failed: {err.Result}");
            return System.Text.Json.Nodes.JsonNode.Parse(o)!.AsObject();
        }
        finally { File.Delete(file); }
    }

    public static (int Code, string Out, string Err) RunOurs(string tool, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Ganeti.HTools.Cli.HToolsCli.Run(tool, args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>
    /// Our hroller replacing secondaries with Ganeti 3.0.2's bug (the old secondary overwritten
    /// with a copy of the primary), as no command line can ask for.
    /// </summary>
    public static (int Code, string Out, string Err) RunOursHrollerReproducingGanetiSlotBug(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Ganeti.HTools.Cli.HToolsCli.RunHrollerReproducingGanetiSlotBug(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
