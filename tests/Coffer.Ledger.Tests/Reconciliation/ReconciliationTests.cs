using System.Net;
using System.Text.Json;
using Coffer.Ledger.Reconciliation;
using Coffer.Ledger.Tests.Observability;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Ledger.Tests.Reconciliation;

[Collection(MetricsCollection.Name)]
public sealed class ReconciliationTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Run_OnAConsistentLedger_IsCleanAndStored(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, bob, _, from, to) = parties;
        await alice.TransferAsync(from, to, 1_000);
        var hold = await (await alice.PostJsonAsync("/api/v1/holds", new
        {
            fromAccountId = from, toAccountId = to, amount = 500, currency = "USD", expiresInSeconds = 600,
        })).ExpectAsync(HttpStatusCode.Created);
        await (await bob.PostJsonAsync($"/api/v1/holds/{hold.GetProperty("id").GetString()}/capture", new { amount = 200 }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await alice.PostJsonAsync("/api/v1/holds", new
        {
            fromAccountId = from, toAccountId = to, amount = 300, currency = "USD", expiresInSeconds = 600,
        })).ExpectAsync(HttpStatusCode.Created);

        var result = await ReconcileAsync(server);

        Assert.Equal(ReconciliationStatuses.Clean, result.Run.Status);
        Assert.Empty(result.Findings);
        Assert.Equal(3, result.Run.AccountsChecked); // two wallets and the tenant's clearing account
        Assert.True(result.Run.AuditEventsChecked >= 6);
        var runs = await (await server.Admin().GetAsync("/api/v1/admin/reconciliation/runs")).ExpectAsync(HttpStatusCode.OK);
        var stored = Assert.Single(runs.GetProperty("items").EnumerateArray());
        Assert.Equal(result.Run.Id, stored.GetProperty("id").GetGuid());
        Assert.Equal("clean", stored.GetProperty("status").GetString());
        Assert.Equal("cli", stored.GetProperty("trigger").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await parties.Ops.GetAsync("/api/v1/admin/reconciliation/runs")).StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Run_DetectsAnInjectedBalanceDrift_CountsReportsAndStoresIt(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, _, _, from, to) = parties;
        await alice.TransferAsync(from, to, 2_500);
        var before = await server.ScrapeAsync();

        // Someone "fixes" Bob's balance by hand: 7 cents appear from nowhere.
        await DatabaseShell.ExecuteAsync(server.Database, "UPDATE accounts SET posted_credits = posted_credits + 7 WHERE id = @id", true, ("id", to));
        var result = await ReconcileAsync(server);

        Assert.Equal(ReconciliationStatuses.Mismatch, result.Run.Status);
        var balance = Assert.Single(result.Findings, f => f.Check == "balance");
        Assert.Equal(to.ToString(), balance.ResourceId);
        Assert.Contains("2507", balance.Detail);
        var conservation = Assert.Single(result.Findings, f => f.Check == "conservation");
        Assert.Equal(("acme", "USD"), (conservation.TenantId, conservation.Currency));

        var after = await server.ScrapeAsync();
        Assert.True((MetricsScrape.Value(after, "coffer_reconciliation_mismatches_total", ("check", "balance")) ?? 0)
            > (MetricsScrape.Value(before, "coffer_reconciliation_mismatches_total", ("check", "balance")) ?? 0));
        Assert.True((MetricsScrape.Value(after, "coffer_reconciliation_last_run_timestamp_seconds") ?? 0) > 0);

        var admin = server.Admin();
        var runs = await (await admin.GetAsync("/api/v1/admin/reconciliation/runs?status=mismatch")).ExpectAsync(HttpStatusCode.OK);
        var id = Assert.Single(runs.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid();
        var detail = await (await admin.GetAsync($"/api/v1/admin/reconciliation/runs/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, detail.GetProperty("run").GetProperty("mismatchCount").GetInt32());
        Assert.Contains(detail.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("check").GetString() == "balance" && f.GetProperty("resourceId").GetString() == to.ToString());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Run_DetectsAHoldThatDisagreesWithItsResolution(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, _, from, to) = parties;
        var hold = await (await alice.PostJsonAsync("/api/v1/holds", new
        {
            fromAccountId = from, toAccountId = to, amount = 100, currency = "USD", expiresInSeconds = 600,
        })).ExpectAsync(HttpStatusCode.Created);
        var holdId = hold.GetProperty("id").GetGuid();

        // The hold is marked voided by hand, but no void transfer released its reservation.
        await DatabaseShell.ExecuteAsync(server.Database,
            "UPDATE holds SET status = 'voided', resolved_at = created_at, resolution_transfer_id = id WHERE id = @id", true, ("id", holdId));
        var result = await ReconcileAsync(server);

        Assert.Equal(ReconciliationStatuses.Mismatch, result.Run.Status);
        Assert.Contains(result.Findings, f => f.Check == "hold" && f.ResourceId == holdId.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Worker_ReconcilesOnItsSchedule()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 100, settings: new Dictionary<string, string?>
        {
            ["Coffer:Ledger:ReconciliationFirstDelaySeconds"] = "0",
            ["Coffer:Ledger:GaugeSampleSeconds"] = "0.2",
        });
        var admin = parties.Server.Admin();

        JsonElement run = default;
        for (var attempt = 0; attempt < 100 && run.ValueKind == JsonValueKind.Undefined; attempt++)
        {
            var runs = await (await admin.GetAsync("/api/v1/admin/reconciliation/runs")).ExpectAsync(HttpStatusCode.OK);
            run = runs.GetProperty("items").EnumerateArray().FirstOrDefault();
            await Task.Delay(100);
        }

        Assert.NotEqual(JsonValueKind.Undefined, run.ValueKind);
        Assert.Equal("schedule", run.GetProperty("trigger").GetString());
    }

    private static async Task<ReconciliationResult> ReconcileAsync(CofferTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await LedgerModule.ReconcileAsync(scope.ServiceProvider, ReconciliationTriggers.Cli, null, CancellationToken.None);
    }
}
