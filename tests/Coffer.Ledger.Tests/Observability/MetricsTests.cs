using System.Net;
using System.Text.RegularExpressions;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coffer.Ledger.Tests.Observability;

[Collection(MetricsCollection.Name)]
public sealed partial class MetricsTests
{
    private static readonly Dictionary<string, string?> FastSampling = new()
    {
        ["Coffer:Ledger:GaugeSampleSeconds"] = "0.2",
    };

    private static void FastHealthPublishing(IServiceCollection services) =>
        services.Configure<HealthCheckPublisherOptions>(o => (o.Delay, o.Period) = (TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Metrics_AfterTransfers_ExposeLedgerHttpIdempotencyAuditAndHealthSeries(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000, settings: FastSampling, services: FastHealthPublishing);
        var (server, alice, _, _, from, to) = parties;
        var before = await server.ScrapeAsync();

        await alice.PostTransferAsync(from, to, 2_500, idempotencyKey: "metrics-1").ContinueWith(t => t.Result.ExpectAsync(HttpStatusCode.Created)).Unwrap();
        await (await alice.PostTransferAsync(from, to, 2_500, idempotencyKey: "metrics-1")).ExpectAsync(HttpStatusCode.Created); // a replay
        await (await alice.PostTransferAsync(from, to, 1_000_000)).ExpectAsync(HttpStatusCode.UnprocessableEntity); // insufficient funds

        var after = await server.ScrapeUntilAsync(
            m => MetricsScrape.Value(m, "coffer_value_held", ("currency", "USD"), ("state", "posted")) is > 0
                && MetricsScrape.Value(m, "coffer_health_status", ("check", "database")) is 1,
            TimeSpan.FromSeconds(20), "the sampled value held and the database health");

        Assert.True(Grew(before, after, "coffer_transfers_total", ("code", "transfer"), ("outcome", "posted")));
        Assert.True(Grew(before, after, "coffer_transfers_total", ("code", "transfer"), ("outcome", "rejected")));
        Assert.NotNull(MetricsScrape.Value(after, "coffer_transfers_total", ("code", "deposit"), ("outcome", "posted"))); // the funding deposit
        Assert.True(Grew(before, after, "coffer_transferred_amount_total", ("currency", "USD")));
        Assert.True(Grew(before, after, "coffer_idempotency_replays_total", ("outcome", "replayed")));
        Assert.True(Grew(before, after, "coffer_audit_events_total", ("action", "transfer.posted")));
        Assert.True(Grew(before, after, "http_server_request_duration_seconds_count",
            ("http_route", "/api/v1/transfers/"), ("http_response_status_code", "201")));
        Assert.NotNull(MetricsScrape.Value(after, "http_server_request_duration_seconds_bucket", ("http_route", "/api/v1/transfers/")));
        Assert.NotNull(MetricsScrape.Value(after, "coffer_reconciliation_last_run_timestamp_seconds"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Metrics_AreNotCachedAndCarryNoIdsOrAmountsInTheirLabels()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 10_000, settings: FastSampling);
        await parties.Alice.TransferAsync(parties.AliceWallet, parties.BobWallet, 1_234);
        using var client = parties.Server.CreateClient();

        var response = await client.GetAsync("/metrics");

        response.EnsureSuccessStatusCode();
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var coffer = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("coffer_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(coffer);
        foreach (var line in coffer)
        {
            var labels = line.Contains('{') ? line[(line.IndexOf('{') + 1)..line.IndexOf('}')] : "";
            Assert.DoesNotMatch(Guid(), labels);
            Assert.DoesNotContain("1234", labels);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task LockConflict_IsCountedByOperation_WhenAnAccountStaysLockedPastTheLockTimeout()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Postgres, aliceFunds: 10_000,
            settings: new Dictionary<string, string?> { ["Coffer:Database:LockTimeoutMilliseconds"] = "200" });
        var (server, alice, _, _, from, to) = parties;
        var before = await server.ScrapeAsync();

        // Someone else holds Alice's wallet row (a long transaction, a manual fix in psql).
        await using (var blocker = DatabaseShell.Connection(server.Database))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using var command = blocker.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT id FROM accounts WHERE id = '{from}' FOR UPDATE";
            await command.ExecuteScalarAsync();

            var problem = await (await alice.PostTransferAsync(from, to, 100)).ExpectAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("database_busy", problem.GetProperty("code").GetString());
        }

        var after = await server.ScrapeAsync();
        Assert.True(Grew(before, after, "coffer_fund_lock_conflicts_total", ("operation", "POST /api/v1/transfers/")));
    }

    private static bool Grew(string before, string after, string name, params (string, string)[] labels) =>
        (MetricsScrape.Value(after, name, labels) ?? 0) > (MetricsScrape.Value(before, name, labels) ?? 0);

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();
}
