namespace Ganeti.NodeHelpers.Tests.TestSupport;

/// <summary>Tool output kept under Storage/Recorded (see the README there).</summary>
public static class Recorded
{
    public static string Read(string relative) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "Recorded", relative));
}
