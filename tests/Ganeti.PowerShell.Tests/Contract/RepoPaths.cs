namespace Ganeti.PowerShell.Tests.Contract;

/// <summary>Files the contract checks: the built module assembly and the repository's packaging.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleAssembly => Path.Combine(AppContext.BaseDirectory, "Ganeti.PowerShell.dll");
    public static string Manifest => Path.Combine(Root, "GanetiCluster.psd1");
    public static string FormatFile => Path.Combine(Root, "GanetiCluster.Format.ps1xml");
    public static string Docs => Path.Combine(Root, "docs", "en-US");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ganeti.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Ganeti.sln not found above " + AppContext.BaseDirectory);
    }
}
