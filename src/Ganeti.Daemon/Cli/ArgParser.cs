using System.Globalization;

namespace Ganeti.Daemon.Cli;

/// <summary>A usage error: wrong, missing or unknown options. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>One option a command accepts, for parsing and --help.</summary>
public sealed record OptionSpec(string Name, string? Value, string Help, string? Short = null, bool Repeatable = false);

/// <summary>
/// A small GNU-style option parser: --name value, --name=value, short aliases, flags and
/// positional arguments; unknown options are errors that name the option.
/// </summary>
public sealed class ArgParser
{
    private readonly string command;
    private readonly IReadOnlyList<OptionSpec> specs;
    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);

    public ArgParser(string command, IReadOnlyList<OptionSpec> specs, IReadOnlyList<string> args)
    {
        this.command = command;
        this.specs = specs;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                Positional.AddRange(args.Skip(i + 1));
                break;
            }
            if (a is "-h" or "--help")
            {
                HelpRequested = true;
                continue;
            }
            if (!a.StartsWith('-') || a == "-")
            {
                Positional.Add(a);
                continue;
            }
            string name;
            string? inline = null;
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=');
                name = eq > 0 ? a[2..eq] : a[2..];
                if (eq > 0) inline = a[(eq + 1)..];
            }
            else
            {
                var s = specs.FirstOrDefault(x => x.Short == a[1..]);
                name = s?.Name ?? a[1..];
            }
            var spec = specs.FirstOrDefault(x => x.Name == name)
                ?? throw new UsageException($"unknown option '{a}' (see '{command} --help')");
            string value;
            if (spec.Value is null)
            {
                if (inline is not null) throw new UsageException($"option --{name} takes no value");
                value = "true";
            }
            else if (inline is not null)
                value = inline;
            else if (i + 1 < args.Count)
                value = args[++i];
            else
                throw new UsageException($"option --{name} needs a value ({spec.Value})");
            if (!values.TryGetValue(name, out var list))
                values[name] = list = [];
            else if (!spec.Repeatable)
                throw new UsageException($"option --{name} given more than once");
            list.Add(value);
        }
    }

    public bool HelpRequested { get; }
    public List<string> Positional { get; } = [];

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => values.TryGetValue(name, out var v) ? v : [];

    public bool Flag(string name) => values.ContainsKey(name);

    public string Required(string name) => Get(name) ?? throw new UsageException($"missing required option --{name}");

    public int Int(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Get(name);
        if (v is null) return defaultValue;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < min || i > max)
            throw new UsageException($"option --{name} must be an integer between {min} and {max}, got '{v}'");
        return i;
    }

    public static IReadOnlyList<string> List(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Help(string usage, string description, IReadOnlyList<OptionSpec> specs)
    {
        var lines = new List<string> { $"Usage: {usage}", "", description, "", "Options:" };
        foreach (var s in specs)
        {
            var head = (s.Short is null ? "    " : $"-{s.Short}, ") + $"--{s.Name}" + (s.Value is null ? "" : $" {s.Value}");
            lines.Add($"  {head,-40} {s.Help}");
        }
        lines.Add($"  {"-h, --help",-40} Show this help");
        return string.Join(Environment.NewLine, lines);
    }
}
