using System.Globalization;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.Master.Watcher;

namespace Ganeti.Daemon.Commands;

/// <summary>`ganetid watcher pause DURATION | continue | info`: gnt-cluster watcher, on the master.</summary>
public static class WatcherCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("root", "DIR", "Root of the cluster's state tree (default /)"),
    ];

    public const string Usage = "ganetid watcher pause DURATION | continue | info [options]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var p = new ArgParser("ganetid watcher", Options, args);
        if (p.HelpRequested)
        {
            stdout.WriteLine(ArgParser.Help(Usage,
                "Pauses the master's watcher (which restarts instances marked up that are down) for DURATION\n" +
                "(seconds, or with a unit: 30m, 2h, 1d), resumes it, or says whether it is paused.", Options));
            return 0;
        }
        var paths = new GanetiPaths(p.Get("root") ?? "/");
        switch (p.Positional)
        {
            case ["pause", var duration]:
                InstanceWatcher.Pause(paths, ParseDuration(duration));
                stdout.WriteLine($"The watcher is paused until {InstanceWatcher.PausedUntil(paths):u}");
                return 0;
            case ["continue"]:
                InstanceWatcher.Pause(paths, null);
                stdout.WriteLine("The watcher is no longer paused");
                return 0;
            case ["info"]:
                stdout.WriteLine(InstanceWatcher.PausedUntil(paths) is { } until
                    ? $"The watcher is paused until {until:u}"
                    : "The watcher is not paused");
                return 0;
            default:
                throw new UsageException($"usage: {Usage}");
        }
    }

    /// <summary>Ganeti's time units: plain seconds, or a number followed by s, m, h, d or w.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(unit) && text.Length > 0 && char.IsLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n > 0) || !double.IsFinite(n))
            throw new UsageException($"invalid duration '{text}' (a positive number of seconds, or with a unit: 30m, 2h, 1d)");
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => throw new UsageException($"invalid duration unit '{unit}' in '{text}' (s, m, h, d or w)"),
        };
    }
}
