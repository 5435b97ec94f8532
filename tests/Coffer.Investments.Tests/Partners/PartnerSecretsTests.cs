using System.Globalization;
using System.Net;
using System.Text;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Partners;

/// <summary>
/// A partner's API key, secret and settlement account number go in once and come out nowhere: not in its row, any other
/// table, the audit trail, an API answer or a log line — through a whole execution and redemption with the partner.
/// </summary>
public sealed class PartnerSecretsTests
{
    private const string ApiKey = "pk_live_SECRETKEY_8Jw2nQ";
    private const string Secret = "sk_live_SECRETSIGN_x7Lr0d";
    private const string NewApiKey = "pk_live_ROTATEDKEY_3Vb9";
    private const string NewSecret = "sk_live_ROTATEDSIGN_k2Pq";
    private const string Account = "GB29 NWBK 6016 1331 9268 19";
    private const string AccountCompact = "GB29NWBK60161331926819";
    private const long Amount = 40_000;

    private static readonly string[] Forbidden = [ApiKey, Secret, NewApiKey, NewSecret, Account, AccountCompact];

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PartnerSecrets_AppearInNoRowAuditEventResponseOrLogLine_ThroughExecutionAndRedemption(DatabaseProvider provider)
    {
        var capture = new LogCapture();
        await using var fake = await FakeProviderServer.StartAsync();
        await using var kit = await InvestmentKit.StartAsync(provider, LogCapture.Verbose, services: capture.Register);
        var answers = new List<string>();
        async Task<System.Text.Json.JsonElement> Keep(Task<HttpResponseMessage> call, HttpStatusCode status)
        {
            var response = await call;
            answers.Add(await response.Content.ReadAsStringAsync());
            return await response.ExpectAsync(status);
        }

        await fake.AddPartnerCredentialsAsync(ApiKey, Secret);
        var created = await Keep(kit.Admin.PostJsonAsync("/api/v1/investment/partners",
            new { name = "Northwind", baseUrl = fake.PartnerBaseUrl.ToString(), apiKey = ApiKey, secret = Secret, settlementAccountNumber = Account }),
            HttpStatusCode.Created);
        var partner = created.GetProperty("id").GetGuid();
        var account = created.GetProperty("settlementAccount");
        Assert.StartsWith("tok_", account.GetProperty("token").GetString());
        Assert.Equal("6819", account.GetProperty("last4").GetString());
        // New credentials: the fake accepts only these from now on, so the execution below proves they were the ones used.
        await fake.ResetAsync();
        await fake.AddPartnerCredentialsAsync(NewApiKey, NewSecret);
        await Keep(kit.Admin.PostJsonAsync($"/api/v1/investment/partners/{partner}/credentials", new { apiKey = NewApiKey, secret = NewSecret }),
            HttpStatusCode.OK);
        await Keep(kit.Admin.GetAsync($"/api/v1/investment/partners/{partner}"), HttpStatusCode.OK);
        await Keep(kit.Admin.GetAsync("/api/v1/investment/partners"), HttpStatusCode.OK);

        var product = await kit.OpenProductAsync(partner: partner);
        var id = await kit.InvestAsync(product, Amount);
        var active = await kit.ExecuteAsync(id);
        Assert.Equal("active", active.GetProperty("status").GetString());
        var token = active.GetProperty("partnerReferenceToken").GetString()!;
        var redeem = await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{id}/redeem", null)).ExpectAsync(HttpStatusCode.Accepted);
        await kit.Alice.WaitForJobAsync(redeem.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        answers.Add((await kit.InvestmentAsync(id)).GetRawText());
        Assert.Equal("redeemed", (await kit.InvestmentAsync(id)).GetProperty("status").GetString());

        // The partner saw one signed placement and one signed redemption naming its own reference, detokenized for it (audited).
        var calls = await fake.GetCallsAsync();
        Assert.Equal((1, true), (calls.PartnerInvestments.Created, calls.PartnerInvestments.Calls.Single().SignatureVerified));
        var redemption = Assert.Single(calls.PartnerRedemptions.Calls);
        Assert.Equal(($"inv_{id:N}_redeem", true, "pt_000001"), (redemption.IdempotencyKey, redemption.SignatureVerified, redemption.PartnerReference));
        Assert.Equal(1, calls.PartnerRedemptions.Created);
        var detokenized = await DumpAsync(kit.Database,
            $"SELECT after FROM audit_events WHERE action = 'token.detokenized' AND resource_id = '{token}'");
        Assert.Contains($"redemption of investment {id}", Assert.Single(detokenized.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var row = await DumpAsync(kit.Database, "SELECT * FROM investment_partners");
        Assert.Matches(@"\|v\d+:", row); // the sealed values are there
        Assert.Contains("6819", row);
        AssertNoSecret(row, "the investment_partners row");
        AssertNoSecret(await DumpAsync(kit.Database, "SELECT * FROM audit_events"), "the audit events");
        foreach (var table in await TablesAsync(kit.Database))
        {
            AssertNoSecret(await DumpAsync(kit.Database, $"SELECT * FROM \"{table}\""), $"table {table}");
        }
        Assert.Equal(5, answers.Count);
        AssertNoSecret(string.Join("\n", answers), "an API answer");
        var logs = capture.AllText;
        Assert.Contains("partner/investments", logs); // the partner calls were logged (and captured) ...
        Assert.Contains("partner/redemptions", logs);
        AssertNoSecret(logs, "a log line"); // ... without their credentials or the account
    }

    private static void AssertNoSecret(string text, string where)
    {
        foreach (var secret in Forbidden)
        {
            Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{where} contains '{secret[..12]}…'");
        }
    }

    /// <summary>Every table of the database (the schema's own, not the engine's).</summary>
    private static async Task<List<string>> TablesAsync(TestDatabase database)
    {
        var listing = await DumpAsync(database, database.Provider == DatabaseProvider.Postgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        return [.. listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('|'))];
    }

    /// <summary>Every value of every row <paramref name="sql"/> returns, as the schema owner reads it: one line per row.</summary>
    private static async Task<string> DumpAsync(TestDatabase database, string sql)
    {
        await using var connection = DatabaseShell.Connection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var text = new StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                text.Append(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('|');
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
