namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>qemu answered a QMP command with an error, or the monitor could not be reached.</summary>
public sealed class QmpException(string message, string? errorClass = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>QMP's error class (GenericError, CommandNotFound, DeviceNotActive, ...); null for transport failures.</summary>
    public string? ErrorClass { get; } = errorClass;
}
