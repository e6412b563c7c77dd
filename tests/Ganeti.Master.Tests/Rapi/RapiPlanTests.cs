using System.Net;

namespace Ganeti.Master.Tests.Rapi;

/// <summary>The GanetiCluster extensions /2/cluster/balance and /2/cluster/capacity: argument handling.</summary>
public sealed class RapiPlanTests(RapiFixture fixture) : IClassFixture<RapiFixture>
{
    private RapiTestServer S => fixture.Server;

    [Fact]
    public async Task BalanceTakesHbalsOptionsFromTheQuery()
    {
        var (status, json, _) = await S.GetAsync("/2/cluster/balance?max-moves=5&min-gain=0.5&evac-mode=1&no-disk-moves=1&group=g1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2.5, json!["initial_score"]!.GetValue<double>());
        var r = S.Master.LastBalanceRequest!;
        Assert.Equal(5, r.MaxMoves);
        Assert.Equal(0.5, r.MinGain);
        Assert.True(r.EvacuateOnly);
        Assert.False(r.DiskMoves);
        Assert.True(r.InstanceMoves);
        Assert.Equal("g1", r.Group);
    }

    [Fact]
    public async Task BalanceDefaultsAreHbals()
    {
        await S.GetAsync("/2/cluster/balance");
        var r = S.Master.LastBalanceRequest!;
        Assert.Equal(-1, r.MaxMoves);
        Assert.Equal(0.01, r.MinGain);
        Assert.Equal(0.1, r.MinGainLimit);
        Assert.False(r.EvacuateOnly);
    }

    [Theory]
    [InlineData("/2/cluster/balance?max-moves=many")]
    [InlineData("/2/cluster/balance?max-moves=-2")]
    [InlineData("/2/cluster/balance?min-gain=abc")]
    [InlineData("/2/cluster/balance?min-gain=-1")]
    [InlineData("/2/cluster/capacity?standard-spec=1024,512")]
    [InlineData("/2/cluster/capacity?tiered-spec=1024,0,1")]
    public async Task BadPlanArgumentsAre400(string path)
    {
        var (status, json, _) = await S.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parameter", json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CapacityTakesSpecsAsHspaceDoes()
    {
        var (status, _, _) = await S.GetAsync("/2/cluster/capacity?disk-template=plain&standard-spec=10240,2048,2&tiered-spec=102400,16384,8,2");
        Assert.Equal(HttpStatusCode.OK, status);
        var r = S.Master.LastCapacityRequest!;
        Assert.Equal("plain", r.DiskTemplate);
        Assert.Equal((2048, 2, 10240, 1), (r.Standard!.MemorySize, r.Standard.CpuCount, r.Standard.DiskSize, r.Standard.SpindleUse));
        Assert.Equal((16384, 8, 102400, 2), (r.Tiered!.MemorySize, r.Tiered.CpuCount, r.Tiered.DiskSize, r.Tiered.SpindleUse));
    }
}
