namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

/// <summary>Tests that boot real guests run one at a time: TCG on a small machine starves otherwise.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KvmGuestCollection
{
    public const string Name = "kvm guests";
}
