namespace Ganeti.HTools.Bench;

public static class SideBySide
{
    public static int Run(string[] args) => 0;
}
