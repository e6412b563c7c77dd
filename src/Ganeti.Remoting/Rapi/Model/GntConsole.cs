using System.Text;
using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>
/// How to reach a running instance's console: Ganeti's InstanceConsole as
/// <c>GET /2/instances/I/console</c> answers it. Kind ssh means "run Command on Host as User
/// over ssh", vnc and spice name a display, msg carries only a message.
/// </summary>
public sealed class GntConsole
{
    public required string InstanceName { get; init; }
    /// <summary>ssh, vnc, spice or msg.</summary>
    public required string Kind { get; init; }
    public string? Host { get; init; }
    public long? Port { get; init; }
    public string? User { get; init; }
    /// <summary>The command to run on Host (kind ssh), as an argument vector.</summary>
    public string[] Command { get; init; } = [];
    /// <summary>The VNC display number (Port - 5900).</summary>
    public long? Display { get; init; }
    public string? Message { get; init; }

    /// <summary>What gnt-instance console --show-cmd prints for kind ssh; null for other kinds.</summary>
    public string? CommandLine => Kind == "ssh" ? string.Join(' ', new[] { "ssh" }.Concat(SshArguments()).Select(ShellQuote)) : null;

    public static GntConsole FromWire(string instance, JsonObject o) => new()
    {
        InstanceName = Str(o, "instance") ?? instance,
        Kind = Str(o, "kind") ?? "msg",
        Host = Str(o, "host"),
        Port = Long(o, "port"),
        User = Str(o, "user"),
        Command = StrList(o, "command"),
        Display = Long(o, "display"),
        Message = Str(o, "message"),
    };

    /// <summary>
    /// The arguments of ssh for kind ssh, as gnt-instance console builds them: a terminal (-t),
    /// the port when one is set, user@host, then the command. ssh hands the remote shell one
    /// line joined with spaces, so each word is quoted for that shell.
    /// </summary>
    public IReadOnlyList<string> SshArguments()
    {
        if (Kind != "ssh")
            throw new InvalidOperationException($"The console of {InstanceName} is of kind '{Kind}', not ssh.");
        if (string.IsNullOrEmpty(Host) || Command.Length == 0)
            throw new InvalidOperationException($"The ssh console of {InstanceName} names no host or no command.");
        var args = new List<string> { "-t" };
        if (Port is { } p)
        {
            args.Add("-p");
            args.Add(p.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        args.Add(string.IsNullOrEmpty(User) ? Host! : $"{User}@{Host}");
        args.AddRange(Command.Select(ShellQuote));
        return args;
    }

    /// <summary>A word as a POSIX shell reads it back: left alone when it is safe, else in single quotes.</summary>
    public static string ShellQuote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./-_".Contains(c)))
            return word;
        return new StringBuilder("'").Append(word.Replace("'", "'\\''")).Append('\'').ToString();
    }

    public override string ToString() => Kind switch
    {
        "ssh" => CommandLine ?? "",
        "vnc" or "spice" => $"{Kind}://{Host}:{Port}",
        _ => Message ?? "",
    };
}
