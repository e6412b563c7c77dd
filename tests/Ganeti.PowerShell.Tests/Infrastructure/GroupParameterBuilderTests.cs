using System.Collections;
using Ganeti.PowerShell.Infrastructure;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class GroupParameterBuilderTests
{
    [Fact]
    public void Create_keeps_disk_parameters_per_template_and_lower_cases_parameter_names()
    {
        var spec = GroupParameterBuilder.Create("rack2", "Last_Resort",
            new Hashtable { ["Spindle_Count"] = 2, ["oob_program"] = "/bin/oob" },
            new Hashtable { ["DRBD"] = new Hashtable { ["Resync-Rate"] = 2048 } },
            new Hashtable { ["vcpu-ratio"] = 2.5, ["disk-templates"] = new object[] { "drbd", "plain" } });
        Assert.Equal("rack2", spec.Name);
        Assert.Equal("last_resort", spec.AllocPolicy);
        Assert.Equal(2, spec.NdParams!.Count);
        Assert.Equal(2, spec.NdParams["spindle_count"]!.GetValue<long>());
        Assert.Equal("/bin/oob", spec.NdParams["oob_program"]!.GetValue<string>());
        Assert.Equal("""{"drbd":{"resync-rate":2048}}""", spec.DiskParams!.ToJsonString());
        Assert.Equal(2.5, spec.IPolicy!["vcpu-ratio"]!.GetValue<double>());
        Assert.Equal("""["drbd","plain"]""", spec.IPolicy["disk-templates"]!.ToJsonString());
    }

    [Fact]
    public void Parameters_not_given_stay_null_so_the_master_keeps_the_clusters_values()
    {
        var spec = GroupParameterBuilder.Create("g", null, null, null, null);
        Assert.Null(spec.AllocPolicy);
        Assert.Null(spec.NdParams);
        Assert.Null(spec.DiskParams);
        Assert.Null(spec.IPolicy);
        Assert.True(GroupParameterBuilder.Modify(null, null, null, null).IsEmpty);
        Assert.False(GroupParameterBuilder.Modify("preferred", null, null, null).IsEmpty);
    }

    [Fact]
    public void Modify_passes_default_through_to_remove_an_override()
    {
        var changes = GroupParameterBuilder.Modify(null, new Hashtable { ["oob_program"] = "default" }, null,
            new Hashtable { ["vcpu-ratio"] = "default" });
        Assert.Equal("default", changes.NdParams!["oob_program"]!.GetValue<string>());
        Assert.Equal("default", changes.IPolicy!["vcpu-ratio"]!.GetValue<string>());
    }

    [Fact]
    public void A_disk_template_without_a_hashtable_and_an_unknown_policy_are_argument_errors_naming_the_parameter()
    {
        var disk = Assert.Throws<ArgumentException>(() =>
            GroupParameterBuilder.Modify(null, null, new Hashtable { ["drbd"] = 2048 }, null));
        Assert.Contains("-DiskParameter", disk.Message);
        Assert.Contains("drbd", disk.Message);
        var policy = Assert.Throws<ArgumentException>(() => GroupParameterBuilder.Create("g", "sometimes", null, null, null));
        Assert.Contains("'sometimes'", policy.Message);
        Assert.Contains("last_resort", policy.Message);
    }
}
