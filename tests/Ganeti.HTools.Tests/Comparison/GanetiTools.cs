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

    public static (int Code, string Out, string Err) Run(string tool, IEnumerable<string> args, int timeoutMs = 60_000)
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

    public static (int Code, string Out, string Err) RunOurs(string tool, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Ganeti.HTools.Cli.HToolsCli.Run(tool, args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
