namespace Ganeti.PowerShell.Infrastructure;

/// <summary>The module-scoped default connection used when a cmdlet gets no -Connection.</summary>
public static class GntSession
{
    private static GntConnection? _default;

    public static GntConnection? Default
    {
        get => _default is { IsOpen: true } c ? c : null;
        internal set => _default = value;
    }
}
