namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>Ganeti's reboot types (<c>gnt-instance reboot --type</c>).</summary>
public enum RebootType
{
    /// <summary>Reboot inside the hypervisor (ACPI / guest reboot).</summary>
    Soft,
    /// <summary>Stop the hypervisor process and start it again.</summary>
    Hard,
    /// <summary>Like hard, but also recreate the instance's configuration as a shutdown and startup would.</summary>
    Full,
}
