using System.Diagnostics;

namespace Ganeti.Bench;

/// <summary>
/// tests/lab/lab.sh for a bench's own lab: its directory, name prefix and subnet, with
/// ganetid.dll from the bench's output as the nodes' daemon.
/// </summary>
internal sealed class LabScript(string dir, string prefix, string subnet)
{
    private readonly string script = Find();

    public string Dir => dir;
    public string Subnet => subnet;

    /// <summary>Tears down whatever an earlier run left, brings up <paramref name="nodes"/> nodes and lists them.</summary>
    public async Task<List<(string Name, string Address, string Root)>> UpAsync(int nodes, params string[] options)
    {
        await RunAsync("down");
        var (code, output) = await RunAsync(["up", nodes.ToString(), .. options]);
        if (code != 0) throw new InvalidOperationException($"lab.sh up failed: {output}");
        return [.. File.ReadAllLines(Path.Combine(dir, "nodes")).Select(line => line.Split(' ')).Select(f => (f[0], f[1], f[2]))];
    }

    public Task DownAsync() => RunAsync("down");

    public async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GANETID"] = Path.Combine(AppContext.BaseDirectory, "ganetid.dll");
        psi.Environment["GNTLAB_DIR"] = dir;
        psi.Environment["GNTLAB_PREFIX"] = prefix;
        psi.Environment["GNTLAB_SUBNET"] = subnet;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "lab", "lab.sh");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tests/lab/lab.sh not found above " + AppContext.BaseDirectory);
    }
}
