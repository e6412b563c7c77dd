namespace Ganeti.HTools.Model;

public enum AllocPolicy { Preferred, LastResort, Unallocable }

public static class AllocPolicies
{
    public static string ToRaw(AllocPolicy p) => p switch
    {
        AllocPolicy.Preferred => "preferred",
        AllocPolicy.LastResort => "last_resort",
        _ => "unallocable",
    };

    public static AllocPolicy FromRaw(string s) => s switch
    {
        "preferred" => AllocPolicy.Preferred,
        "last_resort" => AllocPolicy.LastResort,
        "unallocable" => AllocPolicy.Unallocable,
        _ => throw new FormatException($"Unknown allocation policy '{s}'"),
    };
}
