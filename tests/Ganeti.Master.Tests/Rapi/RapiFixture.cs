using System.Text.Json.Nodes;

namespace Ganeti.Master.Tests.Rapi;

/// <summary>One server shared by the tests of a class (xunit runs them one after another).</summary>
public sealed class RapiFixture : IAsyncLifetime
{
    public RapiTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RapiTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public static class OpAssert
{
    /// <summary>
    /// Asserts an opcode equals <paramref name="expected"/> apart from its reason trail, and
    /// that the trail ends with rlib2's entry for <paramref name="resourceName"/>.
    /// </summary>
    public static void Equal(JsonObject expected, JsonObject actual, string? resourceName)
    {
        var copy = (JsonObject)actual.DeepClone();
        if (resourceName is not null)
        {
            var trail = Assert.IsType<JsonArray>(copy["reason"]);
            var last = Assert.IsType<JsonArray>(trail[^1]);
            Assert.Equal($"gnt:library:rlib2:{resourceName}", last[0]!.GetValue<string>());
            Assert.Equal("", last[1]!.GetValue<string>());
            Assert.True(last[2]!.GetValue<long>() > 1_600_000_000_000_000_000L, "timestamp in nanoseconds");
            copy.Remove("reason");
        }
        Assert.True(JsonNode.DeepEquals(expected, copy), $"expected {expected.ToJsonString()}\n but got {copy.ToJsonString()}");
    }
}
