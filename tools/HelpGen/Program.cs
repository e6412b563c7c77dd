using Ganeti.HelpGen;

// HelpGen: the module's help from docs/en-US, without PowerShell.
//   maml     --docs DIR --out FILE           platyPS markdown pages → MAML (Get-Help's XML)
//   scaffold --assembly DLL --docs DIR [--xmldoc FILE] [--update]
//                                             write pages for cmdlets that have none; with
//                                             --update, rewrite syntax and parameter blocks of
//                                             existing pages, keeping their prose and examples
//   layout   --repo DIR --bin DIR --out DIR   the publishable module folder: assemblies, psd1,
//                                             format file, en-US MAML help and about topics
var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) options[args[i][2..]] = args[++i];
    else flags.Add(args[i][2..]);
}

string Need(string key) => options.TryGetValue(key, out var v) ? v : throw new ArgumentException($"--{key} is required");

try
{
    switch (args.FirstOrDefault())
    {
        case "maml":
        {
            var docs = Need("docs");
            var pages = Directory.GetFiles(docs, "*-*.md").Select(MarkdownHelpParser.ParseFile).ToList();
            var outFile = Need("out");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
            MamlWriter.Write(pages).Save(outFile);
            Console.WriteLine($"Wrote help for {pages.Count} cmdlets to {outFile}");
            return 0;
        }
        case "scaffold":
        {
            var docs = Need("docs");
            Directory.CreateDirectory(docs);
            using var reader = new CmdletMetadataReader(Need("assembly"), [CmdletMetadataReader.FindPowerShellStandard() ?? ""]);
            var xml = new XmlDocReader(options.GetValueOrDefault("xmldoc"));
            var written = 0;
            foreach (var c in reader.ReadCmdlets())
            {
                var path = Path.Combine(docs, c.Name + ".md");
                var existing = File.Exists(path) ? MarkdownHelpParser.ParseFile(path) : null;
                if (existing is not null && !flags.Contains("update")) continue;
                var type = reader.Assembly.GetType(c.TypeName)!;
                string Doc(string name)
                {
                    for (var t = type; t is not null; t = t.BaseType)
                        if (xml.Property(t.FullName!, name) is { Length: > 0 } d) return d;
                    return name switch
                    {
                        "WhatIf" => "Shows what would happen: the request is sent with Ganeti's dry-run, so the master checks it, and nothing changes.",
                        "Confirm" => "Prompts you for confirmation before running the cmdlet.",
                        _ => "",
                    };
                }
                File.WriteAllText(path, ScaffoldWriter.Write(c, Doc, xml.Type(c.TypeName), existing));
                written++;
            }
            Console.WriteLine($"Wrote {written} page(s) in {docs}");
            return 0;
        }
        case "layout":
        {
            var repo = Need("repo");
            var bin = Need("bin");
            var outDir = Need("out");
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
            Directory.CreateDirectory(outDir);
            foreach (var f in Directory.GetFiles(bin).Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase)))
            {
                // PowerShell itself provides System.Management.Automation.
                if (Path.GetFileName(f).StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase)) continue;
                File.Copy(f, Path.Combine(outDir, Path.GetFileName(f)));
            }
            File.Copy(Path.Combine(repo, "GanetiCluster.psd1"), Path.Combine(outDir, "GanetiCluster.psd1"));
            File.Copy(Path.Combine(repo, "GanetiCluster.Format.ps1xml"), Path.Combine(outDir, "GanetiCluster.Format.ps1xml"));
            var docs = Path.Combine(repo, "docs", "en-US");
            var help = Path.Combine(outDir, "en-US");
            Directory.CreateDirectory(help);
            var pages = Directory.GetFiles(docs, "*-*.md").Select(MarkdownHelpParser.ParseFile).ToList();
            MamlWriter.Write(pages).Save(Path.Combine(help, "Ganeti.PowerShell.dll-Help.xml"));
            foreach (var about in Directory.GetFiles(docs, "about_*.help.txt"))
                File.Copy(about, Path.Combine(help, Path.GetFileName(about)));
            Console.WriteLine($"Module laid out in {outDir} ({pages.Count} help pages)");
            return 0;
        }
        default:
            Console.Error.WriteLine("usage: HelpGen maml --docs DIR --out FILE | layout --repo DIR --bin DIR --out DIR | scaffold --assembly DLL --docs DIR [--xmldoc FILE] [--update]");
            return 2;
    }
}
catch (Exception ex) when (ex is ArgumentException or IOException or FileNotFoundException)
{
    Console.Error.WriteLine($"HelpGen: {ex.Message}");
    return 1;
}
