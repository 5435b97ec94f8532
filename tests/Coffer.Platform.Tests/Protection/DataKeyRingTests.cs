using System.Security.Cryptography;
using Coffer.Platform.Persistence;
using Coffer.Platform.Protection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coffer.Platform.Tests.Protection;

/// <summary>Where data keys come from, and that anything malformed stops the process before it seals a value.</summary>
public sealed class DataKeyRingTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("coffer-keys-").FullName;

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private DataKeyRing Load(params (string Key, string Value)[] settings) => DataKeyRing.FromConfiguration(Configuration(settings), _dataDirectory);

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void ConfiguredKeys_AreLoadedByVersion_TheHighestActiveByDefault()
    {
        var (key1, key3) = (NewKey(), NewKey());

        var keys = Load(("Coffer:Protection:Keys:1", key1), ("Coffer:Protection:Keys:3", key3));

        Assert.Equal(DataKeySource.Configured, keys.Source);
        Assert.Equal([1, 3], keys.Versions);
        Assert.Equal(3, keys.ActiveVersion);
        Assert.Equal(Convert.FromBase64String(key1), keys.KeyOf(1));
        Assert.Null(keys.KeyOf(2));
        Assert.False(Directory.Exists(Path.Combine(_dataDirectory, "keys"))); // no development key when keys are configured
    }

    [Fact]
    public void ActiveKeyVersion_PicksAnOlderConfiguredKey()
    {
        var keys = Load(("Coffer:Protection:Keys:1", NewKey()), ("Coffer:Protection:Keys:2", NewKey()), ("Coffer:Protection:ActiveKeyVersion", "1"));

        Assert.Equal(1, keys.ActiveVersion);
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==")]                             // 16 bytes
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g")]         // 33 bytes
    [InlineData("")]
    public void MalformedKey_FailsNamingTheSetting_WithoutEchoingTheValue(string key)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Load(("Coffer:Protection:Keys:1", key)));

        Assert.Contains("Coffer:Protection:Keys:1 must be the base64 encoding of exactly 32", failure.Message);
        if (key.Length > 0)
        {
            Assert.DoesNotContain(key, failure.Message);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("01")]
    [InlineData("v2")]
    public void MalformedVersion_Fails(string version)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Load(($"Coffer:Protection:Keys:{version}", NewKey())));

        Assert.Contains("is not a valid key version", failure.Message);
    }

    [Theory]
    [InlineData("3", "The active data key version 3 is not among the configured versions (1, 2)")]
    [InlineData("zero", "ActiveKeyVersion must be a positive integer")]
    [InlineData("0", "ActiveKeyVersion must be a positive integer")]
    public void ActiveVersionThatDoesNotExist_Fails(string active, string expected)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Load(
            ("Coffer:Protection:Keys:1", NewKey()), ("Coffer:Protection:Keys:2", NewKey()), ("Coffer:Protection:ActiveKeyVersion", active)));

        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public void NoKeysConfigured_GeneratesTheDevelopmentKeyOnce_OwnerOnly_AndReusesIt()
    {
        var first = Load();
        var path = Path.Combine(_dataDirectory, "keys", "data-key-1.bin");
        var stored = File.ReadAllBytes(path);
        var second = Load();

        Assert.Equal(DataKeySource.Development, first.Source);
        Assert.Equal([1], first.Versions);
        Assert.Equal(1, first.ActiveVersion);
        Assert.Equal(32, stored.Length);
        Assert.Equal(stored, first.KeyOf(1));
        Assert.Equal(stored, second.KeyOf(1));
        Assert.Equal(stored, File.ReadAllBytes(path)); // not regenerated
        Assert.Single(Directory.GetFiles(Path.Combine(_dataDirectory, "keys"))); // no temporary file left behind
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void ProcessesStartingAtOnce_AgreeOnOneDevelopmentKey()
    {
        var keys = Enumerable.Range(0, 16).AsParallel().Select(_ => Load().KeyOf(1)!).ToList();

        Assert.All(keys, key => Assert.Equal(keys[0], key));
        Assert.Equal(keys[0], File.ReadAllBytes(Path.Combine(_dataDirectory, "keys", "data-key-1.bin")));
    }

    [Fact]
    public void DamagedDevelopmentKey_Fails_InsteadOfBeingReplaced()
    {
        Directory.CreateDirectory(Path.Combine(_dataDirectory, "keys"));
        var path = Path.Combine(_dataDirectory, "keys", "data-key-1.bin");
        File.WriteAllBytes(path, new byte[7]);

        var failure = Assert.Throws<InvalidOperationException>(() => Load());

        Assert.Contains("holds 7 bytes", failure.Message);
        Assert.Equal(7, new FileInfo(path).Length);
    }

    [Fact]
    public void ActiveVersionOtherThanOne_WithoutConfiguredKeys_Fails()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Load(("Coffer:Protection:ActiveKeyVersion", "2")));

        Assert.Contains("no Coffer:Protection:Keys are configured", failure.Message);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("Coffer:Protection:Keys:1", "c2hvcnQ=", "Coffer:Protection:Keys:1 must be the base64 encoding")]
    [InlineData("Coffer:Protection:ActiveKeyVersion", "7", "The active data key version 7 is not among the configured versions (2)")]
    public async Task MisconfiguredKeys_FailHostStartUp(string setting, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coffer:Protection:Keys:2"] = NewKey(),
            [setting] = value,
        });
        builder.Services.AddSingleton(new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=:memory:", MigrationsConnectionString = "Data Source=:memory:",
            DataDirectory = _dataDirectory,
        });
        builder.Services.AddCofferProtection();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(expected, failure.Message);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
