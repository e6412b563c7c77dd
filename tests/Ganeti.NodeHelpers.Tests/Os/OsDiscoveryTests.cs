using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Tests.TestSupport;

namespace Ganeti.NodeHelpers.Tests.Os;

public sealed class OsDiscoveryTests : OsTestBase
{
    [Fact]
    public void Debians_noop_definition_is_valid_as_installed()
    {
        var os = Discovery.Get("noop");
        Assert.Equal(Path.Combine(DebianOsDir, "noop"), os.Path);
        Assert.Equal([5, 10], os.ApiVersions);
        Assert.Equal(10, os.ApiVersion);
        Assert.True(os.Trusted);
        Assert.Empty(os.Variants);
        Assert.Empty(os.Parameters);
        Assert.Equal(["create", "export", "import", "rename"], os.Scripts.Keys.Order());
    }

    [Fact]
    public void An_api_20_definition_has_its_variants_parameters_and_verify()
    {
        TestOs.WriteApi20(SearchDir);
        var os = Discovery.Get("testos+minimal");
        Assert.Equal(20, os.ApiVersion);
        Assert.Equal(["default", "minimal", "broken"], os.Variants);
        Assert.Equal([new OsParameter("dhcp", "Whether the instance uses DHCP"), new OsParameter("root-password", "The initial root password")], os.Parameters);
        Assert.NotNull(os.Script(OsScripts.Verify));
    }

    [Fact]
    public void The_first_search_directory_holding_the_os_wins_and_diagnose_lists_the_shadowed_one_after_it()
    {
        var shadowing = Path.Combine(SearchDir, "noop");
        Directory.CreateDirectory(shadowing);
        File.WriteAllText(Path.Combine(shadowing, "ganeti_api_version"), "20\n");
        var e = Assert.Throws<GanetiException>(() => Discovery.Get("noop"));
        Assert.Contains("is missing", e.Message);
        var noops = Discovery.Diagnose().Where(d => d.Name == "noop").ToList();
        Assert.Equal(2, noops.Count);
        Assert.False(noops[0].Status);
        Assert.True(noops[1].Status);
        Assert.Equal(Path.Combine(DebianOsDir, "noop"), noops[1].Path);
    }

    [Fact]
    public void The_checksum_is_the_same_for_identical_copies_and_changes_with_any_script()
    {
        var other = Path.Combine(Root.Root, "other-os");
        TestOs.WriteApi20(SearchDir);
        TestOs.WriteApi20(other);
        var a = Path.Combine(SearchDir, "testos");
        var b = Path.Combine(other, "testos");
        Assert.Equal(OsDiscovery.Checksum(a), OsDiscovery.Checksum(b));
        Assert.Equal(OsDiscovery.Checksum(a), Discovery.Diagnose().Single(d => d.Name == "testos").Checksum);

        File.AppendAllText(Path.Combine(b, OsScripts.Rename), "# another rename\n");
        Assert.NotEqual(OsDiscovery.Checksum(a), OsDiscovery.Checksum(b));
        File.WriteAllText(Path.Combine(b, OsScripts.Rename), File.ReadAllText(Path.Combine(a, OsScripts.Rename)));
        Assert.Equal(OsDiscovery.Checksum(a), OsDiscovery.Checksum(b));
        File.WriteAllText(Path.Combine(b, OsScripts.VariantsFile), "default\n");
        Assert.NotEqual(OsDiscovery.Checksum(a), OsDiscovery.Checksum(b));
    }

    [Theory]
    [InlineData("missing-api", "Required file 'ganeti_api_version' not found")]
    [InlineData("old-api", "API version mismatch")]
    [InlineData("no-exec", "'import' under path")]
    [InlineData("no-create", "A create script")]
    [InlineData("no-params", "'parameters.list' under path")]
    [InlineData("empty-variants", "No supported OS variant")]
    [InlineData("dir-script", "is not a regular file")]
    public void Broken_definitions_are_reported_with_the_reason(string kind, string reason)
    {
        var dir = TestOs.WriteApi20(SearchDir, kind);
        switch (kind)
        {
            case "missing-api": File.Delete(Path.Combine(dir, "ganeti_api_version")); break;
            case "old-api": File.WriteAllText(Path.Combine(dir, "ganeti_api_version"), "5\n"); break;
            case "no-exec": Modes.Set(Path.Combine(dir, "import"), UnixFileMode.UserRead | UnixFileMode.UserWrite); break;
            case "no-create": File.Delete(Path.Combine(dir, "create")); break;
            case "no-params": File.Delete(Path.Combine(dir, "parameters.list")); break;
            case "empty-variants": File.WriteAllText(Path.Combine(dir, "variants.list"), "# none\n"); break;
            case "dir-script": File.Delete(Path.Combine(dir, "rename")); Directory.CreateDirectory(Path.Combine(dir, "rename")); break;
        }
        var d = Assert.Single(Discovery.Diagnose(), x => x.Name == kind);
        Assert.False(d.Status);
        Assert.Contains(reason, d.Diagnose);
        var e = Assert.Throws<GanetiException>(() => Discovery.Get(kind));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void An_untrusted_only_definition_is_valid_but_not_trusted()
    {
        var dir = TestOs.WriteApi20(SearchDir, "untrusted");
        File.Move(Path.Combine(dir, "create"), Path.Combine(dir, "create_untrusted"));
        var os = Discovery.Get("untrusted");
        Assert.False(os.Trusted);
    }

    [Fact]
    public void An_unknown_os_or_variant_is_refused()
    {
        TestOs.WriteApi20(SearchDir);
        Assert.Equal(ErrorCodes.UnknownEntity, Assert.Throws<GanetiException>(() => Discovery.Get("nosuch")).Ecode);
        Assert.Contains("does not support variant 'sid'", Assert.Throws<GanetiException>(() => Discovery.GetWithVariant("testos+sid")).Message);
        Assert.Contains("does not support variants", Assert.Throws<GanetiException>(() => Discovery.GetWithVariant("noop+x")).Message);
        Assert.Equal("default", Discovery.GetWithVariant("testos").Variant);
        Assert.Null(Discovery.Locate("../etc"));
    }
}
