using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class ThrottleAndCacheTests
{
    [Fact]
    public void Progress_redraws_on_status_change_and_at_most_once_per_interval_otherwise()
    {
        var t = new ProgressThrottle(TimeSpan.FromMilliseconds(250));
        var t0 = new DateTime(2026, 1, 1);
        Assert.True(t.ShouldEmit(1, "queued", t0));
        Assert.False(t.ShouldEmit(1, "queued", t0.AddMilliseconds(100)));
        Assert.True(t.ShouldEmit(1, "running", t0.AddMilliseconds(120)));
        Assert.False(t.ShouldEmit(1, "running", t0.AddMilliseconds(300)));
        Assert.True(t.ShouldEmit(1, "running", t0.AddMilliseconds(400)));
        Assert.True(t.ShouldEmit(2, "queued", t0.AddMilliseconds(400)));
        Assert.Equal([1L, 2L], t.Shown.OrderBy(x => x));
    }

    [Fact]
    public void Completion_cache_serves_fresh_names_and_refetches_stale_ones()
    {
        var now = new DateTime(2026, 1, 1);
        var cache = new CompletionCache(TimeSpan.FromSeconds(30), () => now);
        var fetches = 0;
        Task<IEnumerable<string>> Fetch(CancellationToken _) { fetches++; return Task.FromResult<IEnumerable<string>>(["web2", "web1", "db1"]); }
        Assert.Equal(["db1", "web1", "web2"], cache.GetOrFetch("instance", Fetch, TimeSpan.FromSeconds(1)));
        Assert.Equal(["db1", "web1", "web2"], cache.GetOrFetch("instance", Fetch, TimeSpan.FromSeconds(1)));
        Assert.Equal(1, fetches);
        now = now.AddSeconds(31);
        cache.GetOrFetch("instance", Fetch, TimeSpan.FromSeconds(1));
        Assert.Equal(2, fetches);
    }

    [Fact]
    public void Completion_never_fails_and_keeps_stale_names_when_the_master_is_away()
    {
        var now = new DateTime(2026, 1, 1);
        var cache = new CompletionCache(TimeSpan.FromSeconds(30), () => now);
        cache.Put("node", ["n1"]);
        now = now.AddMinutes(5);
        var names = cache.GetOrFetch("node", _ => throw new HttpRequestException("down"), TimeSpan.FromSeconds(1));
        Assert.Equal(["n1"], names);
        var slow = cache.GetOrFetch("os", async ct => { await Task.Delay(5000, ct); return ["x"]; }, TimeSpan.FromMilliseconds(50));
        Assert.Empty(slow);
    }

    [Fact]
    public void Completion_filters_by_prefix_or_wildcard()
    {
        string[] names = ["web1", "web2", "db1"];
        Assert.Equal(["web1", "web2"], CompletionCache.Filter(names, "we"));
        Assert.Equal(["web2"], CompletionCache.Filter(names, "'*2'"));
        Assert.Equal(names, CompletionCache.Filter(names, ""));
    }

    [Fact]
    public void Tag_targets_come_from_piped_objects()
    {
        Assert.Equal(new TagTarget(GntTagKind.Instance, "web1"), TagTarget.FromObject(new GntInstance { Name = "web1" }));
        Assert.Equal(new TagTarget(GntTagKind.Node, "n1"), TagTarget.FromObject(new GntNode { Name = "n1" }));
        Assert.Equal(new TagTarget(GntTagKind.Cluster, null), TagTarget.FromObject(new GntCluster { Name = "c" }));
        Assert.Equal(new TagTarget(GntTagKind.Cluster, null), TagTarget.FromObject(new GntTag { Kind = GntTagKind.Cluster, Name = "c", Tag = "t" }));
        Assert.Null(TagTarget.FromObject("web1"));
        Assert.Equal("instance web1", new TagTarget(GntTagKind.Instance, "web1").Display);
    }
}
