using System.Management.Automation;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// For size parameters that take PowerShell's size literals: a number given as a number (not
/// text) of at least 1 MiB is bytes, so 512MB and 10GB mean what they say; a smaller number
/// is MiB, as in Ganeti's CLI. Text is left for <see cref="SizeParser"/> (512M, 10G, 2048).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SizeTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        SizeParser.FromArgument(inputData is PSObject p ? p.BaseObject : inputData);
}
