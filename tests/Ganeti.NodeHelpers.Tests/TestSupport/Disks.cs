using System.Text.Json;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.TestSupport;

public static class Disks
{
    public static DiskSpec File(string path, long sizeMiB = 16, string format = "raw", int index = 0, string driver = "loop") => new()
    {
        Uuid = Guid.NewGuid().ToString(),
        DevType = "file",
        LogicalId = [JsonSerializer.SerializeToElement(driver), JsonSerializer.SerializeToElement(path)],
        SizeMiB = sizeMiB,
        Index = index,
        Params = format == "raw" ? [] : new() { ["format"] = JsonSerializer.SerializeToElement(format) },
    };

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);
}
