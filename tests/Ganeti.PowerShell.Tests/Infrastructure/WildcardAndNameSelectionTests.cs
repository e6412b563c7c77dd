using Ganeti.PowerShell.Infrastructure;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class WildcardAndNameSelectionTests
{
    [Theory]
    [InlineData("web*", "web1", true)]
    [InlineData("web*", "WEB2.example.com", true)]
    [InlineData("web?", "web12", false)]
    [InlineData("web[12]", "web2", true)]
    [InlineData("web[1-3]", "web4", false)]
    [InlineData("a.b", "aXb", false)]
    [InlineData("web`*", "web*", true)]
    [InlineData("web`*", "web1", false)]
    public void Wildcards_follow_PowerShell_rules(string pattern, string value, bool match)
    {
        Assert.Equal(match, new WildcardMatcher(pattern).IsMatch(value));
    }

    [Fact]
    public void Escaped_wildcards_are_literal_names()
    {
        Assert.False(WildcardMatcher.ContainsWildcard("web`*"));
        Assert.Equal("web*", WildcardMatcher.Unescape("web`*"));
        Assert.True(WildcardMatcher.ContainsWildcard("web*"));
    }

    [Fact]
    public void Exact_names_that_match_nothing_are_reported_missing_wildcards_never_are()
    {
        var items = new[] { "web1", "web2", "db1" };
        var r = NameSelection.Select(items, s => s, ["web*", "db1", "mail1", "cache*", "WEB1"]);
        Assert.Equal(["web1", "web2", "db1"], r.Matched);
        Assert.Equal(["mail1"], r.MissingNames);
    }

    [Fact]
    public void No_names_selects_everything()
    {
        var r = NameSelection.Select(new[] { "a", "b" }, s => s, null);
        Assert.Equal(["a", "b"], r.Matched);
        Assert.Empty(r.MissingNames);
        Assert.False(NameSelection.NeedsListing(["a"]));
        Assert.True(NameSelection.NeedsListing(["a", "b*"]));
    }
}
