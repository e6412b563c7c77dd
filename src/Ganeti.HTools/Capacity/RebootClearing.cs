namespace Ganeti.HTools.Capacity;

/// <summary>What has to leave a node before it can be rebooted.</summary>
public enum RebootClearing
{
    /// <summary>Its non-redundant instances move to other nodes.</summary>
    NonRedundant,

    /// <summary>The instances it is secondary of get a new secondary.</summary>
    Secondaries,
}
