namespace Ganeti.HTools.Model;

/// <summary>An instance as htools sees it: resources, placement and tags.</summary>
public sealed class Instance
{
    public const int NoNode = -1;

    public required string Name { get; set; }
    public string Alias { get; set; } = "";
    public int Index { get; set; }
    public int Mem { get; set; }
    public int Dsk { get; set; }
    public List<Disk> Disks { get; set; } = new();
    public int Vcpus { get; set; }
    public InstanceStatus Status { get; set; }
    public bool AutoBalance { get; set; } = true;
    public int PNode { get; set; }
    public int SNode { get; set; } = NoNode;
    public DiskTemplate DiskTemplate { get; set; }
    public int SpindleUse { get; set; } = 1;
    public List<string> Tags { get; set; } = new();
    public bool Forthcoming { get; set; }
    public int NicCount { get; set; }
    public DynUtil Util { get; set; } = DynUtil.Base;
    public bool Movable { get; set; }

    /// <summary>Tags matching an exclusion prefix (set when the cluster is loaded).</summary>
    public string[] ExclTags { get; set; } = Array.Empty<string>();

    /// <summary>Desired location tags (set when the cluster is loaded).</summary>
    public HashSet<string> DesiredLocations { get; set; } = new();

    /// <summary>Number of failure domains shared by the primary and the secondary.</summary>
    public int LocationScore { get; set; }

    public bool IsRunning => Status is InstanceStatus.Running or InstanceStatus.ErrorUp;
    public bool IsOffline => Status == InstanceStatus.AdminOffline;
    public bool NotOffline => !IsOffline;
    public bool HasSecondary => DiskTemplate == DiskTemplate.Drbd;
    public bool UsesLocalStorage => DiskTemplates.UsesLocalStorage(DiskTemplate);
    public MirrorType MirrorType => DiskTemplates.Mirror(DiskTemplate);

    /// <summary>Memory a secondary must keep ready for a failover of this instance.</summary>
    public bool UsesSecMem => NotOffline && AutoBalance;

    /// <summary>Whether the instance currently consumes memory on its primary.</summary>
    public bool UsesMemory => !Forthcoming && Status switch
    {
        InstanceStatus.AdminDown or InstanceStatus.AdminOffline or InstanceStatus.ErrorDown or InstanceStatus.UserDown => false,
        _ => true,
    };

    public int? TotalSpindles
    {
        get
        {
            int sum = 0;
            foreach (var d in Disks)
            {
                if (d.Spindles is not int s) return null;
                sum += s;
            }
            return sum;
        }
    }

    public IEnumerable<int> AllNodes => HasSecondary ? new[] { PNode, SNode } : new[] { PNode };

    public Instance Clone()
    {
        var c = (Instance)MemberwiseClone();
        c.Disks = new List<Disk>(Disks);
        c.Tags = new List<string>(Tags);
        c.DesiredLocations = new HashSet<string>(DesiredLocations);
        return c;
    }
}
