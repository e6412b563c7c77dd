using System.Collections;
using Ganeti.PowerShell.Infrastructure;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class InstanceModifyBuilderTests
{
    private static string Body(InstanceModifyParameters p) => InstanceModifyBuilder.Build(p).ToJsonString();

    [Fact]
    public void Parameters_become_the_modify_body_and_null_resets_to_default()
    {
        var body = Body(new InstanceModifyParameters
        {
            HvParams = new System.Collections.Specialized.OrderedDictionary { ["Boot_Order"] = "cdrom", ["kernel_args"] = null },
            Memory = "1G", VCpus = 2, OsName = "debian+minimal", Offline = true, Force = true,
        });
        Assert.Equal(
            """{"hvparams":{"boot_order":"cdrom","kernel_args":"default"},"beparams":{"memory":1024,"vcpus":2},"os_name":"debian\u002Bminimal","offline":true,"force":true}""",
            body);
    }

    [Fact]
    public void Nics_and_disks_use_the_action_device_parameters_form()
    {
        var body = Body(new InstanceModifyParameters
        {
            AddNic = ["link=br1,name=back"],
            SetNic = new Hashtable { ["0"] = "link=br2" },
            RemoveNic = ["back"],
            AddDisk = ["size=2G,name=data"],
            SetDisk = new Hashtable { ["-1"] = new Hashtable { ["mode"] = "ro" } },
            RemoveDisk = ["0"],
        });
        Assert.Equal(
            """{"nics":[["add",-1,{"link":"br1","name":"back"}],["modify",0,{"link":"br2"}],["remove","back",{}]]""" +
            ""","disks":[["add",-1,{"size":2048,"name":"data"}],["modify",-1,{"mode":"ro"}],["remove",0,{}]]}""",
            body);
    }

    [Fact]
    public void Runtime_memory_takes_a_size()
    {
        Assert.Equal("""{"runtime_mem":512}""", Body(new InstanceModifyParameters { RuntimeMemory = "512M" }));
        Assert.Equal("""{"offline":false}""", Body(new InstanceModifyParameters { Online = true }));
    }

    [Theory]
    [InlineData("nothing")]
    [InlineData("both")]
    [InlineData("disk-without-size")]
    [InlineData("empty-set")]
    public void Bad_requests_are_argument_errors_naming_the_problem(string what)
    {
        var p = what switch
        {
            "nothing" => new InstanceModifyParameters { Force = true },
            "both" => new InstanceModifyParameters { Offline = true, Online = true },
            "disk-without-size" => new InstanceModifyParameters { AddDisk = ["name=data"] },
            _ => new InstanceModifyParameters { SetNic = new Hashtable { ["0"] = "" } },
        };
        var e = Assert.Throws<ArgumentException>(() => InstanceModifyBuilder.Build(p));
        Assert.Contains(what switch
        {
            "nothing" => "at least one change",
            "both" => "-Offline and -Online",
            "disk-without-size" => "needs a size",
            _ => "no change given for '0'",
        }, e.Message);
    }
}
