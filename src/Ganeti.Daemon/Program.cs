// ganetid: the GanetiCluster executable. Roles: init, master, node, watcher.
namespace Ganeti.Daemon;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("ganetid: no role given (init, master, node)");
        return 2;
    }
}
