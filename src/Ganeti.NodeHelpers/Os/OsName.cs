namespace Ganeti.NodeHelpers.Os;

/// <summary>Ganeti's OS names: "debootstrap+bookworm" is OS debootstrap, variant bookworm.</summary>
public static class OsName
{
    public static string Base(string name)
    {
        var i = name.IndexOf('+');
        return i < 0 ? name : name[..i];
    }

    public static string? Variant(string name)
    {
        var i = name.IndexOf('+');
        return i < 0 || i == name.Length - 1 ? null : name[(i + 1)..];
    }
}
