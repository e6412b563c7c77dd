using System.Text;
using System.Text.Json.Nodes;
using OpcodeGen;

// Usage: dotnet run --project tools/OpcodeGen [-- --spec <ganeti-opcodes.json>] [-- --check]
// Finds the repository from the working directory (the folder holding Ganeti.sln) and the
// spec in ../shared/spec beside it. --check writes nothing and fails when the checked-in
// files differ from what would be generated.
var argv = args.ToList();
var check = argv.Remove("--check");
var specIndex = argv.IndexOf("--spec");
var repo = FindRepo(Directory.GetCurrentDirectory());
var specPath = specIndex >= 0 && specIndex + 1 < argv.Count
    ? Path.GetFullPath(argv[specIndex + 1])
    : Path.GetFullPath(Path.Combine(repo, "..", "shared", "spec", "ganeti-opcodes.json"));
if (!File.Exists(specPath))
{
    Console.Error.WriteLine($"opcode spec not found: {specPath} (pass --spec <path>)");
    return 2;
}

var version = (string?)JsonNode.Parse(File.ReadAllText(specPath))?["ganeti_version"] ?? "?";
var ops = SpecParam.Load(specPath).OrderBy(o => o.OpId, StringComparer.Ordinal).ToList();
var docs = Docs.Load(Path.Combine(repo, "tools", "OpcodeGen", "docs.json"));
var writer = new Writer(docs, version);

var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
foreach (var op in ops)
    files[op.ClassName + ".cs"] = writer.Opcode(op);
files["OpCodeRegistry.Descriptors.cs"] = writer.Registry(ops);
files["OpValues.cs"] = writer.ValueSetsFile();

foreach (var missing in docs.Missing)
    Console.Error.WriteLine($"warning: no description in docs.json for {missing}");

var outDir = Path.Combine(repo, "src", "Ganeti.Core", "Opcodes", "Generated");
var existing = Directory.Exists(outDir)
    ? Directory.GetFiles(outDir, "*.cs").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)
    : [];
var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

if (check)
{
    var stale = files.Where(f => !existing.Contains(f.Key) || File.ReadAllText(Path.Combine(outDir, f.Key), utf8) != f.Value)
        .Select(f => f.Key)
        .Concat(existing.Where(e => e is not null && !files.ContainsKey(e))!)
        .ToList();
    foreach (var name in stale)
        Console.Error.WriteLine($"out of date: {name}");
    return stale.Count == 0 ? 0 : 1;
}

Directory.CreateDirectory(outDir);
foreach (var name in existing)
    if (name is not null && !files.ContainsKey(name))
        File.Delete(Path.Combine(outDir, name));
foreach (var (name, text) in files)
    File.WriteAllText(Path.Combine(outDir, name), text, utf8);
Console.WriteLine($"{ops.Count} opcodes from {specPath} -> {Path.GetRelativePath(repo, outDir)}");
return 0;

static string FindRepo(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Ganeti.sln")))
            return dir.FullName;
    throw new DirectoryNotFoundException($"no Ganeti.sln above {start}; run from inside the repository");
}
