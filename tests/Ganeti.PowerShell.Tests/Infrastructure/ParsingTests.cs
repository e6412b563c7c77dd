using Ganeti.PowerShell.Infrastructure;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class ParsingTests
{
    [Theory]
    [InlineData("512", 512)]
    [InlineData("512M", 512)]
    [InlineData("10G", 10240)]
    [InlineData("10g", 10240)]
    [InlineData("1.5G", 1536)]
    [InlineData("2T", 2097152)]
    [InlineData("10GB", 10240)]
    [InlineData("10737418240", 10240)]
    [InlineData("1073741824", 1024)]
    [InlineData("100K", 1)]
    public void Sizes_read_as_MiB_like_Ganeti(string text, long mib)
    {
        Assert.Equal(mib, SizeParser.ParseMiB(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten")]
    [InlineData("10X")]
    [InlineData("-1")]
    public void Bad_sizes_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => SizeParser.ParseMiB(text));
    }

    [Fact]
    public void Key_value_lists_parse_like_Ganeti_options()
    {
        var d = KeyValueList.Parse("size=10G, name=data,mode=rw,spindles=2");
        Assert.Equal(10240L, d["size"]);
        Assert.Equal("data", d["name"]);
        Assert.Equal(2L, d["spindles"]);
        Assert.Throws<FormatException>(() => KeyValueList.Parse("link"));
    }
}

public class SizeArgumentTests
{
    [Theory]
    [InlineData(536870912, "512M")]      // 512MB
    [InlineData(1073741824L, "1024M")]   // 1GB
    [InlineData(1.5 * 1073741824, "1536M")]
    [InlineData(2048, "2048M")]          // a small number is MiB, as in Ganeti's CLI
    [InlineData(1048577, "2M")]          // bytes round up to whole MiB
    public void Numbers_of_at_least_1_MiB_are_bytes_and_smaller_ones_MiB(object input, string expected)
    {
        Assert.Equal(expected, SizeParser.FromArgument(input));
    }

    [Fact]
    public void Text_is_left_to_the_size_parser()
    {
        Assert.Equal("10G", SizeParser.FromArgument("10G"));
    }
}
