using System.Collections;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class ClusterModifyBuilderTests
{
    [Fact]
    public void Nested_hashtables_keep_their_shape_and_parameter_names_are_lower_cased()
    {
        var body = ClusterModifyBuilder.Build(new ClusterModifyParameters
        {
            HypervisorParameter = new Hashtable { ["KVM"] = new Hashtable { ["Kernel_Path"] = "", ["acpi"] = true } },
            OSHypervisorParameter = new Hashtable { ["Debian+Min"] = new Hashtable { ["kvm"] = new Hashtable { ["boot_order"] = "default" }, ["fake"] = null } },
            InstancePolicy = new Hashtable { ["std"] = new Hashtable { ["memory-size"] = 512 }, ["vcpu-ratio"] = 2.5 },
            CandidatePoolSize = 5,
            EnabledHypervisors = ["KVM", "fake"],
        });
        Assert.Equal("", body["hvparams"]!["kvm"]!["kernel_path"]!.GetValue<string>());
        Assert.Equal("default", body["os_hvp"]!["Debian+Min"]!["kvm"]!["boot_order"]!.GetValue<string>());
        Assert.True(body["os_hvp"]!["Debian+Min"]!.AsObject().ContainsKey("fake"));
        Assert.Null(body["os_hvp"]!["Debian+Min"]!["fake"]);
        Assert.Equal(512, body["ipolicy"]!["std"]!["memory-size"]!.GetValue<long>());
        Assert.Equal(2.5, body["ipolicy"]!["vcpu-ratio"]!.GetValue<double>());
        Assert.Equal(5, body["candidate_pool_size"]!.GetValue<int>());
        Assert.Equal("""["kvm","fake"]""", body["enabled_hypervisors"]!.ToJsonString());
    }

    [Fact]
    public void Os_lists_and_uid_ranges_become_Ganetis_modifications()
    {
        var body = ClusterModifyBuilder.Build(new ClusterModifyParameters
        {
            AddHiddenOS = ["debian"], RemoveHiddenOS = ["centos"], AddBlacklistedOS = ["winxp"],
            UidPool = ["1000-1009", "2000"], RemoveUid = ["3000 - 3001"],
        });
        Assert.Equal("""[["add","debian"],["remove","centos"]]""", body["hidden_os"]!.ToJsonString());
        Assert.Equal("""[["add","winxp"]]""", body["blacklisted_os"]!.ToJsonString());
        Assert.Equal("[[1000,1009],[2000,2000]]", body["uid_pool"]!.ToJsonString());
        Assert.Equal("[[3000,3001]]", body["remove_uids"]!.ToJsonString());
        Assert.False(body.ContainsKey("add_uids"));
    }

    [Fact]
    public void Malformed_values_are_refused_naming_the_parameter()
    {
        var e = Assert.Throws<ArgumentException>(() => ClusterModifyBuilder.Build(new ClusterModifyParameters
        {
            HypervisorParameter = new Hashtable { ["kvm"] = "kernel_path=" },
        }));
        Assert.Contains("-HypervisorParameter", e.Message);
        Assert.Contains("'kvm'", e.Message);
        e = Assert.Throws<ArgumentException>(() => ClusterModifyBuilder.Build(new ClusterModifyParameters { UidPool = ["10-x"] }));
        Assert.Contains("-UidPool", e.Message);
        e = Assert.Throws<ArgumentException>(() => ClusterModifyBuilder.Build(new ClusterModifyParameters
        {
            DiskParameter = new Hashtable { ["drbd"] = null },
        }));
        Assert.Contains("-DiskParameter", e.Message);
    }

    [Fact]
    public void Nothing_given_is_an_empty_change_and_the_request_is_a_put_to_modify()
    {
        Assert.Empty(ClusterModifyBuilder.Build(new ClusterModifyParameters()));
        var req = RapiRequests.ModifyCluster(ClusterModifyBuilder.Build(new ClusterModifyParameters { MaxRunningJobs = 3 }), dryRun: true);
        Assert.Equal(HttpMethod.Put, req.Method);
        Assert.Equal("/2/modify", req.Path);
        Assert.Equal("""{"max_running_jobs":3,"dry_run":true}""", req.Body!.ToJsonString());
    }
}
