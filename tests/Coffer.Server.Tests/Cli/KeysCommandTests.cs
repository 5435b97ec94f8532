using Coffer.Platform.Persistence;
using Coffer.Platform.Protection;
using Coffer.Server.Cli;
using Coffer.Server.Hosting;
using Coffer.Testing;
using Coffer.Testing.Process;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

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
        Assert.Contains("token vault: re-encrypted 3 value(s).", first.Stdout);
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
    public async Task KeysRotate_RunsEveryRegisteredRotation_ReportingEachCountAndTheTotal()
    {
        var (key1, key2) = (TokenVault.NewKey(), TokenVault.NewKey());
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var column = new InMemorySealedColumn();
        await using (var before = Compose(database, column, (1, key1)))
        {
            await TokenVault.TokenizeAsync(before.Services, "acme", "bank_account", "DE89370400440532013000");
            column.Add(before.Services.GetRequiredService<FieldEncryption>(), "partner-1", "api-key-one");
            column.Add(before.Services.GetRequiredService<FieldEncryption>(), "partner-2", "api-key-two");
        }
        await using var after = Compose(database, column, (1, key1), (2, key2));
        await using var scope = after.Services.CreateAsyncScope();
        var output = new StringWriter();

        var exitCode = await KeysCommand.RotateAsync(scope.ServiceProvider, output, CancellationToken.None);

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        // The investment module's own rotation runs too (no partners here: 0), then the test's column.
        Assert.Equal(["token vault: re-encrypted 1 value(s).", "partner credentials: re-encrypted 0 value(s).",
            "test sealed column: re-encrypted 2 value(s).", "Re-encrypted 3 value(s) under data key version 2."], lines);
        var encryption = after.Services.GetRequiredService<FieldEncryption>();
        Assert.All(column.Rows, row => Assert.False(encryption.NeedsRotation(row.Sealed)));
        Assert.Equal("api-key-two", encryption.Decrypt(column.Rows[1].Sealed, InMemorySealedColumn.AssociatedData("partner-2")));
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(database, "SELECT COUNT(*) FROM tokens WHERE key_version = 2"));
    }

    /// <summary>The server's composition with the test's sealed column registered for rotation, not started (as the verb runs).</summary>
    private static WebApplication Compose(TestDatabase database, InMemorySealedColumn column, params (int Version, string Key)[] keys)
    {
        var settings = new Dictionary<string, string?>(database.Settings);
        foreach (var (key, value) in TokenVault.KeySettings(keys))
        {
            settings[key] = value;
        }
        return CofferHost.Build([.. settings.Select(s => $"--{s.Key}={s.Value}")], services =>
        {
            services.AddSingleton(column);
            services.AddSealedValueRotation<InMemorySealedRotation>();
        });
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

/// <summary>A module's sealed column, held in memory: the command is under test here, not a module's storage.</summary>
internal sealed class InMemorySealedColumn
{
    public List<(string Id, string Sealed)> Rows { get; } = [];

    public static string AssociatedData(string id) => $"partner_credentials|{id}";

    public void Add(FieldEncryption encryption, string id, string plaintext) => Rows.Add((id, encryption.Encrypt(plaintext, AssociatedData(id))));
}

/// <summary>The test double a module would write over its table: re-seals the rows not under the active key.</summary>
internal sealed class InMemorySealedRotation(InMemorySealedColumn column, FieldEncryption encryption) : ISealedValueRotation
{
    public string Name => "test sealed column";

    public Task<int> CountNeedingRotationAsync(CancellationToken cancellationToken) =>
        Task.FromResult(column.Rows.Count(row => encryption.NeedsRotation(row.Sealed)));

    public Task<int> RotateAsync(IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var resealed = 0;
        for (var i = 0; i < column.Rows.Count; i++)
        {
            var (id, sealedValue) = column.Rows[i];
            if (encryption.NeedsRotation(sealedValue))
            {
                column.Rows[i] = (id, encryption.Reencrypt(sealedValue, InMemorySealedColumn.AssociatedData(id)));
                progress?.Report(++resealed);
            }
        }
        return Task.FromResult(resealed);
    }
}
