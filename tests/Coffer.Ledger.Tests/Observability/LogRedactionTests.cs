using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Ledger.Tests.Observability;

public sealed partial class LogRedactionTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SecretsSentInRequests_NeverAppearInAnyLogEntry(DatabaseProvider provider)
    {
        var capture = new LogCapture();
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000, settings: LogCapture.Verbose, services: capture.Register);
        var (server, alice, _, ops, from, to) = parties;
        var aliceToken = alice.DefaultRequestHeaders.Authorization!.Parameter!;
        string[] secrets = ["SECRET-APIKEY-7f3a", "SECRET-DESC-91c2", "SECRET-META-44d1", "SECRET-QUERY-0b9e", "SECRET-BADJSON-5e6f",
            "SECRET-FORGED-TOKEN-c0de", "SECRET-REF-7777", aliceToken];

        // Headers, free text, metadata and query strings of successful requests.
        var transfer = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers?apiKey=SECRET-QUERY-0b9e")
        {
            Content = JsonContent.Create(new
            {
                fromAccountId = from, toAccountId = to, amount = 100, currency = "USD",
                description = "SECRET-DESC-91c2", metadata = new Dictionary<string, string> { ["note"] = "SECRET-META-44d1" },
            }),
        };
        transfer.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        transfer.Headers.Add("X-Api-Key", "SECRET-APIKEY-7f3a");
        await (await alice.SendAsync(transfer)).ExpectAsync(HttpStatusCode.Created);
        await (await ops.PostJsonAsync("/api/v1/deposits", new { accountId = from, amount = 5, currency = "USD", externalReference = "SECRET-REF-7777" }))
            .ExpectAsync(HttpStatusCode.Created);
        // A body that fails to bind, and a forged token.
        var malformed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers")
        {
            Content = new StringContent("""{"fromAccountId":"SECRET-BADJSON-5e6f","amount":1}""", System.Text.Encoding.UTF8, "application/json"),
        };
        malformed.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await (await alice.SendAsync(malformed)).ExpectAsync(HttpStatusCode.BadRequest);
        using var forged = server.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "SECRET-FORGED-TOKEN-c0de");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/accounts")).StatusCode);

        var logs = capture.AllText;
        Assert.Contains(capture.Entries, e => e.Category.Contains("HttpLogging", StringComparison.Ordinal) && e.Text.Contains("/api/v1/transfers"));
        Assert.Contains(capture.Entries, e => e.Text.Contains("TraceId=", StringComparison.Ordinal)); // request logs carry the trace id
        foreach (var secret in secrets)
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"a log entry contains the secret '{secret[..Math.Min(12, secret.Length)]}…'");
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task ClassifiedLogParameters_AreRedactedBeforeAnyProviderSeesThem()
    {
        var capture = new LogCapture();
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, LogCapture.Verbose, capture.Register);
        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Coffer.Tests.Redaction");

        LogCustomer(logger, "jane.doe@example.com", "sk_live_abcdef", "acme");

        var entry = Assert.Single(capture.Entries, e => e.Category == "Coffer.Tests.Redaction");
        Assert.DoesNotContain("jane.doe@example.com", entry.Text);
        Assert.DoesNotContain("sk_live_abcdef", entry.Text);
        Assert.Contains(RedactedMarker.Marker, entry.Text);
        Assert.Contains("acme", entry.Text); // unclassified values pass through
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer {Email} used key {ApiKey} in tenant {Tenant}")]
    private static partial void LogCustomer(ILogger logger, [PersonalData] string email, [SecretData] string apiKey, string tenant);
}
