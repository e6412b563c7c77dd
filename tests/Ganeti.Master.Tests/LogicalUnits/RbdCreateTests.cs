using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.NodeHelpers.Processes;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// rbd instances through the master. There is no Ceph cluster here, so the node runs the rbd
/// CLI through the recording command layer, answered by a small model of a pool's images and
/// the kernel's mappings (rbd info, create, map, showmapped, resize, unmap, rm, in the formats
/// of Ceph 14 and later). The tests check the commands the node would run and the configuration.
/// </summary>
public class RbdCreateTests
{
    /// <summary>A pool's images and their kernel mappings, as the rbd CLI reports them.</summary>
    private sealed class RbdModel
    {
        private readonly Dictionary<string, long> images = [];
        private readonly Dictionary<string, string> mapped = [];
        public RecordingCommandRunner Runner { get; } = new();

        public RbdModel()
        {
            Runner.On("rbd", ["info"], c => images.ContainsKey(c.Arguments[3])
                ? Ok(c, $$"""{"name":"{{c.Arguments[3]}}","size":{{images[c.Arguments[3]] << 20}}}""")
                : new CommandResult(c, 2, "", $"rbd: error opening image {c.Arguments[3]}: (2) No such file or directory", false));
            Runner.On("rbd", ["create"], c => { images[c.Arguments[3]] = long.Parse(c.Arguments[5]); return Ok(c); });
            Runner.On("rbd", ["map"], c =>
            {
                var device = $"/dev/rbd{mapped.Count}";
                mapped[c.Arguments[3]] = device;
                return Ok(c, device + "\n");
            });
            Runner.On("rbd", ["showmapped"], c => Ok(c, new JsonArray([.. mapped.Select((m, i) => (JsonNode)new JsonObject
            {
                ["id"] = i.ToString(), ["pool"] = "rbd", ["namespace"] = "", ["name"] = m.Key, ["snap"] = "-", ["device"] = m.Value,
            })]).ToJsonString()));
            Runner.On("rbd", ["resize"], c => { images[c.Arguments[3]] = long.Parse(c.Arguments[5]); return Ok(c); });
            Runner.On("rbd", ["unmap"], c =>
            {
                foreach (var m in mapped.Where(m => m.Value == c.Arguments[1]).ToList()) mapped.Remove(m.Key);
                return Ok(c);
            });
            Runner.On("rbd", ["rm"], c => images.Remove(c.Arguments[3]) ? Ok(c) : new CommandResult(c, 2, "", "No such file or directory", false));
        }

        public IReadOnlyDictionary<string, long> Images => images;
        public IReadOnlyDictionary<string, string> Mapped => mapped;

        private static CommandResult Ok(CommandSpec c, string stdout = "") => new(c, 0, stdout, "", false);
    }

    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success,
            string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())) + "\n" + string.Join("\n", job.Ops.SelectMany(o => o.Log).Select(l => l.Message)));

    [Fact]
    public async Task AnRbdDiskIsAnImageInThePoolMappedOnThePrimaryGrownAndRemoved()
    {
        await using var c = new TestCluster();
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.Cluster.EnabledDiskTemplates.Add("rbd"));
        var rbd = new RbdModel();
        await c.AddFakeNodeAsync("node2.test", 8192, storageCommands: rbd.Runner);

        AssertOk(await c.RunAsync(TestCluster.Create("img1", "rbd", 128, start: false, extra: new { pnode = "node2.test" })));
        var cfg = c.Service.ReadConfig();
        var disk = cfg.InstanceDisks(cfg.FindInstance("img1")!)[0];
        Assert.Equal("rbd", disk.DevType);
        var image = disk.LogicalId[1].GetString()!;
        Assert.Equal(128, rbd.Images[image]);
        Assert.Contains($"rbd create -p rbd {image} --size 128", rbd.Runner.CommandLines);
        Assert.Equal("/dev/rbd0", rbd.Mapped[image]);

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = "img1", disk = 0, amount = 64, wait_for_sync = false })));
        Assert.Equal(192, rbd.Images[image]);

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "img1" })));
        Assert.Empty(rbd.Images);
        Assert.Empty(rbd.Mapped);
        Assert.Contains("rbd unmap /dev/rbd0", rbd.Runner.CommandLines);
    }
}
