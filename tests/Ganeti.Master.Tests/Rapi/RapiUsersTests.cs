using Ganeti.Master.Rapi;

namespace Ganeti.Master.Tests.Rapi;

public sealed class RapiUsersTests
{
    [Fact]
    public void Parses_names_passwords_and_options()
    {
        var users = RapiUsers.Parse("""
            # comment
              
            jack  abc123  write
            jill {HA1}0123abcd read, write
            bob  {cleartext}pw
            lonely
            """);
        Assert.Equal(3, users.Count);
        Assert.Equal("abc123", users["jack"].Password);
        Assert.Equal(["write"], users["jack"].Options);
        Assert.Equal(["read", "write"], users["jill"].Options);
        Assert.Equal("{HA1}0123abcd", users["jill"].Password);
        Assert.Empty(users["bob"].Options);
        Assert.False(users.ContainsKey("lonely"));
    }

    [Fact]
    public void Ha1_is_md5_of_user_realm_password()
    {
        // md5("jack:Ganeti Remote API:abc123"), as Ganeti's documentation computes it
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(
            System.Text.Encoding.ASCII.GetBytes("jack:Ganeti Remote API:abc123")));
        Assert.Equal(expected, RapiUsers.Ha1("jack", "abc123"));
        Assert.Equal("Ganeti Remote API", RapiUsers.Realm);
        Assert.True(RapiUsers.VerifyPassword("jack", "abc123", "{HA1}" + expected));
        Assert.True(RapiUsers.VerifyPassword("jack", "abc123", "{ha1}" + expected.ToUpperInvariant()));
        Assert.False(RapiUsers.VerifyPassword("jill", "abc123", "{HA1}" + expected));
        Assert.False(RapiUsers.VerifyPassword("jack", "abc124", "{HA1}" + expected));
    }

    [Theory]
    [InlineData("pw", "pw", true)]
    [InlineData("pw", "{CLEARTEXT}pw", true)]
    [InlineData("pw", "{cleartext}pw", true)]
    [InlineData("pw", "{cleartext}PW", false)]
    [InlineData("pw", "pw2", false)]
    [InlineData("pw", "{}pw", false)]
    [InlineData("pw", "{pw", false)]
    [InlineData("pw", "{SHA}pw", false)]
    public void Verifies_by_scheme(string given, string stored, bool ok) =>
        Assert.Equal(ok, RapiUsers.VerifyPassword("u", given, stored));

    [Fact]
    public void Missing_file_means_no_users_and_reload_reads_new_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rapi-users-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "users");
            using var users = new RapiUsers(path);
            Assert.Empty(users.All);
            File.WriteAllText(path, "x {cleartext}y write\n");
            Assert.True(users.Reload());
            Assert.NotNull(users.Get("x"));
            File.Delete(path);
            users.Reload();
            Assert.Null(users.Get("x"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
