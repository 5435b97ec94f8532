using System.Net;
using Coffer.FakeProvider;
using Coffer.Investments.Partners;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Protection;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Investments.Tests.Partners;

/// <summary>
/// Partner credentials sealed under data key 1 are re-sealed under key 2 by their rotation (what <c>coffer keys rotate</c>
/// runs), once; a server holding key 2 alone then still signs the partner's requests with them.
/// </summary>
public sealed class PartnerKeyRotationTests
{
    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Rotation_ResealsUnderTheNewKeyOnce_AndTheCredentialsStillAuthenticateWithTheNewKeyAlone(DatabaseProvider provider)
    {
        var (key1, key2) = (TokenVault.NewKey(), TokenVault.NewKey());
        await using var fake = await FakeProviderServer.StartAsync();
        // The first server serves the API only: the execution below must run on the server that has key 2 alone.
        await using var kit = await InvestmentKit.StartAsync(provider, With(TokenVault.KeySettings((1, key1)), ("Coffer:Role", "api")));
        var first = await kit.CreatePartnerAsync(fake, "pk_live_rot_one_Y4", "sk_live_rot_one_hmac_Q8", "NL91 ABNA 0417 1643 00");
        await kit.CreatePartnerAsync(fake, "pk_live_rot_two_M2", "sk_live_rot_two_hmac_T5", name: "Contoso Funds");
        var product = await kit.OpenProductAsync(partner: first);
        var investment = await kit.InvestAsync(product, 10_000);
        var before = await SealedAsync(kit.Database);
        Assert.All(before.Values, sealedPair => Assert.All(sealedPair, v => Assert.StartsWith("v1:", v)));

        await using (var upgraded = CofferTestServer.StartAlongside(kit.Server,
            With(TokenVault.KeySettings((1, key1), (2, key2)), ("Coffer:Role", "api"))))
        {
            await using (var run = Scope(upgraded))
            {
                var rotations = run.ServiceProvider.GetServices<ISealedValueRotation>().ToList();
                var partners = Assert.Single(rotations.OfType<PartnerCredentialRotation>());
                Assert.Equal(2, await partners.CountNeedingRotationAsync(CancellationToken.None));
                Assert.Equal(2, await partners.RotateAsync(null, CancellationToken.None));
                Assert.Equal(0, await partners.CountNeedingRotationAsync(CancellationToken.None));
                foreach (var other in rotations.Where(r => r is not PartnerCredentialRotation))
                {
                    await other.RotateAsync(null, CancellationToken.None); // the vault's tokens (the settlement account) too
                }
            }
            await using (var again = Scope(upgraded))
            {
                var partners = again.ServiceProvider.GetServices<ISealedValueRotation>().OfType<PartnerCredentialRotation>().Single();
                Assert.Equal(0, await partners.CountNeedingRotationAsync(CancellationToken.None));
                Assert.Equal(0, await partners.RotateAsync(null, CancellationToken.None));
            }
        }

        var after = await SealedAsync(kit.Database);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (partner, values) in after)
        {
            Assert.All(values, v => Assert.StartsWith("v2:", v));
            Assert.Empty(values.Intersect(before[partner]));
        }
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Database,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'data_key.rotated' AND resource_type = 'investment_partner_credentials'"));

        // Key 1 is gone: a server with key 2 alone executes, and the partner verifies the signature made with the re-sealed secret.
        await using var keyTwoOnly = CofferTestServer.StartAlongside(kit.Server, With(TokenVault.KeySettings((2, key2)),
            [.. InvestmentKit.FastJobs.Select(s => (s.Key, s.Value))]));
        var alice = keyTwoOnly.Customer("alice");
        var accepted = await (await alice.PostJsonAsync($"/api/v1/investment/investments/{investment}/execute", null)).ExpectAsync(HttpStatusCode.Accepted);
        await alice.WaitForJobAsync(accepted.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        var active = await (await alice.GetAsync($"/api/v1/investment/investments/{investment}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", active.GetProperty("status").GetString());
        var placement = Assert.Single((await fake.GetCallsAsync()).PartnerInvestments.Calls);
        Assert.Equal(($"inv_{investment:N}", true), (placement.IdempotencyKey, placement.SignatureVerified));
    }

    private static AsyncServiceScope Scope(CofferTestServer server)
    {
        var scope = server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("tests"); // as the keys verb does
        return scope;
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, params (string Key, string? Value)[] more)
    {
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Each partner's sealed API key and secret, as stored.</summary>
    private static async Task<Dictionary<string, string[]>> SealedAsync(TestDatabase database)
    {
        await using var connection = DatabaseShell.Connection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, api_key_sealed, secret_sealed FROM investment_partners";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string[]>();
        while (await reader.ReadAsync())
        {
            rows[Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!] = [reader.GetString(1), reader.GetString(2)];
        }
        return rows;
    }
}
