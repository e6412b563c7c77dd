using System.Collections;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class InstanceCreateBuilderTests
{
    [Fact]
    public void A_csv_row_becomes_a_version_1_create_body()
    {
        // What Import-Csv hands over: every value a string.
        var spec = InstanceCreateBuilder.Build(new InstanceCreateParameters
        {
            Name = "web1", OS = "debootstrap+default", DiskTemplate = "file", DiskSize = ["10G;1G"], Memory = "1G", VCpus = 2,
            NoNameCheck = true, Tag = ["env:prod"],
        });
        var body = RapiRequests.CreateInstance(spec).Body!.ToJsonString(Ganeti.Core.Json.GanetiJson.Options);
        const string expected =
            """{"__version__":1,"mode":"create","instance_name":"web1","disks":[{"size":10240},{"size":1024}],"nics":[{}],"disk_template":"file","os_type":"debootstrap+default","beparams":{"maxmem":1024,"minmem":1024,"vcpus":2},"name_check":false,"ip_check":false,"tags":["env:prod"]}""";
        Assert.Equal(expected, body);
    }

    [Fact]
    public void Without_disks_the_template_defaults_to_diskless_and_NoNic_drops_the_nic()
    {
        var spec = InstanceCreateBuilder.Build(new InstanceCreateParameters { Name = "t", NoNic = true, NoInstall = true, NoStart = true });
        Assert.Equal("diskless", spec.DiskTemplate);
        Assert.Empty(spec.Nics);
        Assert.Equal(false, spec.Start);
        Assert.Equal(true, spec.NoInstall);
        Assert.Null(spec.NameCheck);
    }

    [Fact]
    public void Explicit_disks_and_nics_use_Ganeti_syntax_and_hashtables_become_parameters()
    {
        var spec = InstanceCreateBuilder.Build(new InstanceCreateParameters
        {
            Name = "db1", DiskTemplate = "plain", Disk = ["size=20G,name=root", "size=100G,vg=data"], Nic = ["link=br0,mode=bridged"],
            BackendParameter = new Hashtable { ["Auto_Balance"] = false }, HypervisorParameter = new Hashtable { ["kernel_path"] = "" },
        });
        var body = RapiRequests.CreateInstance(spec).Body!;
        Assert.Equal("""[{"size":20480,"name":"root"},{"size":102400,"vg":"data"}]""", body["disks"]!.ToJsonString());
        Assert.Equal("""[{"link":"br0","mode":"bridged"}]""", body["nics"]!.ToJsonString());
        Assert.Equal("""{"auto_balance":false}""", body["beparams"]!.ToJsonString());
        Assert.Equal("""{"kernel_path":""}""", body["hvparams"]!.ToJsonString());
    }

    [Fact]
    public void Contradictions_are_refused_before_anything_is_sent()
    {
        Assert.Throws<FormatException>(() => InstanceCreateBuilder.Build(new InstanceCreateParameters { Name = "x", DiskTemplate = "diskless", DiskSize = ["1G"] }));
        Assert.Throws<FormatException>(() => InstanceCreateBuilder.Build(new InstanceCreateParameters { Name = "x", Disk = ["name=a"] }));
        Assert.Throws<FormatException>(() => InstanceCreateBuilder.Build(new InstanceCreateParameters { Name = "x", Memory = "lots" }));
    }

    [Fact]
    public void Query_fields_always_include_the_name()
    {
        Assert.Equal(["name", "pnode", "snodes", "status", "oper_ram"], InstanceFields.ForQuery(["status,oper_ram", "name"], filterByNode: true));
    }
}
