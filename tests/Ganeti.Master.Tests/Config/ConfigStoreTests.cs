using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.Master.Config;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.Config;

public class ConfigStoreTests
{
    [Fact]
    public async Task UpdateBumpsSerialAndPersists()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "config.data");
        var store = ConfigStore.Create(path, new ConfigData { Cluster = { ClusterName = "c" } });
        await store.UpdateAsync(c => c.Cluster.Tags.Add("t1"));
        Assert.Equal(2, store.Current.SerialNo);
        var reloaded = ConfigStore.Load(path);
        Assert.Equal(["t1"], reloaded.Current.Cluster.Tags);
        Assert.Equal(2, reloaded.Current.SerialNo);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public async Task AFailedChangeLeavesConfigurationUntouched()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "config.data");
        var store = ConfigStore.Create(path, new ConfigData());
        var before = File.ReadAllText(path);
        await Assert.ThrowsAsync<GanetiException>(() => store.UpdateAsync(c =>
        {
            c.Cluster.Tags.Add("half");
            throw GanetiException.WrongInput("no");
        }));
        Assert.Empty(store.Current.Cluster.Tags);
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Fact]
    public async Task ReadersSeeSnapshotsThatWritersDoNotChange()
    {
        using var dir = new TempDir();
        var store = ConfigStore.Create(Path.Combine(dir.Path, "config.data"), new ConfigData());
        var snapshot = store.Current;
        await store.UpdateAsync(c => c.Cluster.ClusterName = "changed");
        Assert.Equal("", snapshot.Cluster.ClusterName);
        Assert.Equal("changed", store.Current.Cluster.ClusterName);
    }

    [Fact]
    public void ConfigDataUsesGanetiFieldNames()
    {
        var json = GanetiJson.Serialize(new ConfigData());
        foreach (var key in new[] { "\"version\"", "\"cluster\"", "\"nodes\"", "\"nodegroups\"", "\"instances\"", "\"networks\"", "\"disks\"", "\"serial_no\"", "\"ctime\"", "\"mtime\"" })
            Assert.Contains(key, json);
    }

    [Fact]
    public void LoadingAMissingOrBrokenConfigurationSaysSo()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "config.data");
        var missing = Assert.Throws<GanetiException>(() => ConfigStore.Load(path));
        Assert.Contains("ganetid init", missing.Message);
        File.WriteAllText(path, "{not json");
        var broken = Assert.Throws<GanetiException>(() => ConfigStore.Load(path));
        Assert.Contains("Cannot parse", broken.Message);
    }
}
