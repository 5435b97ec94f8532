using Coffer.Platform.Persistence;
using Coffer.Testing;
using Coffer.Testing.Process;

namespace Coffer.Server.Tests.Cli;

/// <summary><c>keys rotate</c> as an operator runs it, beside a live server, after adding a new data key.</summary>
public sealed class KeysCommandTests
{
    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task KeysRotate_ReencryptsEveryValueUnderTheNewKey_ThenNothingOnASecondRun(DatabaseProvider provider)
    {
        var (key1, key2) = (TokenVault.NewKey(), TokenVault.NewKey());
        await using var server = await CofferTestServer.StartAsync(provider, TokenVault.KeySettings((1, key1)));
        var acme = await TokenVault.TokenizeAsync(server.Services, "acme", "bank_account", "DE89370400440532013000", "NL91ABNA0417164300");
        var globex = await TokenVault.TokenizeAsync(server.Services, "globex", "bank_account", "GB29NWBK60161331926819");
        var rotated = new Dictionary<string, string?>(server.Database.Settings);
        foreach (var (key, value) in TokenVault.KeySettings((1, key1), (2, key2)))
        {
            rotated[key] = value;
        }
        var environment = CofferProcess.ToEnvironment(rotated);

        var first = await CofferProcess.RunAsync(environment, "keys", "rotate");
        var second = await CofferProcess.RunAsync(environment, "keys", "rotate");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Re-encrypted 3 value(s) under data key version 2.", first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Re-encrypted 0 value(s) under data key version 2.", second.Stdout);
        Assert.Equal(3L, await DatabaseShell.ScalarAsync<long>(server.Database, "SELECT COUNT(*) FROM tokens WHERE key_version = 2"));
        Assert.Equal(2L, await DatabaseShell.ScalarAsync<long>(server.Database,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'data_key.rotated' AND actor = 'system:keys-rotate'")); // one per tenant
        Assert.DoesNotContain(key1, first.ToString());
        Assert.DoesNotContain(key2, first.ToString());
        // A server given both keys reads the re-encrypted values.
        await using var upgraded = CofferTestServer.StartAlongside(server, TokenVault.KeySettings((1, key1), (2, key2)));
        Assert.Equal("NL91ABNA0417164300", await TokenVault.DetokenizeAsync(upgraded.Services, "acme", acme[1].Token));
        Assert.Equal("GB29NWBK60161331926819", await TokenVault.DetokenizeAsync(upgraded.Services, "globex", globex[0].Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task KeysRotate_WithAMalformedKey_FailsNamingTheSettingButNotTheValue()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var environment = CofferProcess.ToEnvironment(database.Settings);
        environment["Coffer__Protection__Keys__1"] = "dG9vLXNob3J0LWtleQ==";

        var result = await CofferProcess.RunAsync(environment, "keys", "rotate");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Coffer:Protection:Keys:1 must be the base64 encoding of exactly 32", result.Stderr);
        Assert.DoesNotContain("dG9vLXNob3J0LWtleQ==", result.ToString());
        Assert.DoesNotContain("Re-encrypted", result.Stdout);
    }
}
