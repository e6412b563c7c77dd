namespace Ganeti.HTools.Model;

public enum InstanceStatus { Running, AdminDown, AdminOffline, ErrorDown, ErrorUp, NodeDown, NodeOffline, WrongNode, UserDown }

public static class InstanceStatuses
{
    public static string ToRaw(InstanceStatus s) => s switch
    {
        InstanceStatus.Running => "running",
        InstanceStatus.AdminDown => "ADMIN_down",
        InstanceStatus.AdminOffline => "ADMIN_offline",
        InstanceStatus.ErrorDown => "ERROR_down",
        InstanceStatus.ErrorUp => "ERROR_up",
        InstanceStatus.NodeDown => "ERROR_nodedown",
        InstanceStatus.NodeOffline => "ERROR_nodeoffline",
        InstanceStatus.WrongNode => "ERROR_wrongnode",
        InstanceStatus.UserDown => "USER_down",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static InstanceStatus FromRaw(string s) => s switch
    {
        "running" => InstanceStatus.Running,
        "ADMIN_down" => InstanceStatus.AdminDown,
        "ADMIN_offline" => InstanceStatus.AdminOffline,
        "ERROR_down" => InstanceStatus.ErrorDown,
        "ERROR_up" => InstanceStatus.ErrorUp,
        "ERROR_nodedown" => InstanceStatus.NodeDown,
        "ERROR_nodeoffline" => InstanceStatus.NodeOffline,
        "ERROR_wrongnode" => InstanceStatus.WrongNode,
        "USER_down" => InstanceStatus.UserDown,
        _ => throw new FormatException($"Unknown instance status '{s}'"),
    };
}
