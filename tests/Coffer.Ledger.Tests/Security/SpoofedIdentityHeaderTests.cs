using System.Net;
using Coffer.Ledger.Tests.Observability;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Security;

[Collection(MetricsCollection.Name)]
public sealed class SpoofedIdentityHeaderTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task IdentityHeaders_ChangeNothing_AndAreLoggedRedactedAndCounted(DatabaseProvider provider)
    {
        var capture = new LogCapture();
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, services: capture.Register);
        var (server, alice, _, _, from, to) = parties;
        var before = await server.ScrapeAsync();

        // Alice claims to be Bob, an operator of another tenant, through every header a naive gateway might trust.
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/accounts");
        request.Headers.Add("X-User-Id", "bob-7c1e");
        request.Headers.Add("X-Tenant-Id", "globex");
        request.Headers.Add("X-Role", "admin");
        request.Headers.Add("X-Forwarded-User", "bob-7c1e");
        var page = await (await alice.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        var spoofedTransfer = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers")
        {
            Content = System.Net.Http.Json.JsonContent.Create(LedgerRequests.TransferBody(to, from, 1)), // Bob's wallet to Alice's
        };
        spoofedTransfer.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        spoofedTransfer.Headers.Add("X-User-Id", "bob");
        var refused = await alice.SendAsync(spoofedTransfer);

        var wallets = page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([from], wallets); // still only Alice's own wallet
        Assert.NotEqual(HttpStatusCode.Created, refused.StatusCode); // she still cannot spend Bob's money
        var after = await server.ScrapeAsync();
        foreach (var header in new[] { "X-User-Id", "X-Tenant-Id", "X-Role", "X-Forwarded-User" })
        {
            Assert.True((MetricsScrape.Value(after, "coffer_spoofed_identity_headers_total", ("header", header)) ?? 0)
                > (MetricsScrape.Value(before, "coffer_spoofed_identity_headers_total", ("header", header)) ?? 0), header);
        }
        var warnings = capture.Entries.Where(e => e.Category.EndsWith("SpoofedIdentityHeaders", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, w.Level));
        Assert.Contains(warnings, w => w.Text.Contains("X-Role") && w.Text.Contains("/api/v1/accounts"));
        Assert.DoesNotContain(warnings, w => w.Text.Contains("bob-7c1e") || w.Text.Contains("globex"));
    }
}
