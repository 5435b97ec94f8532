using System.Net;
using System.Text.Json;
using Coffer.Investments.Reserves;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coffer.Investments.Tests.Reserves;

/// <summary>
/// The reserves engine through the API: required = floor(ratio × custody), top-ups from the dividend pool (custody untouched),
/// releases executed directly without an approvals module and proposed when approval is required, approved releases executed once.
/// </summary>
public sealed class ReserveEngineTests
{
    [Fact]
    public void RequiredReserve_IsTheFloorOfRatioTimesOutstanding()
    {
        Assert.Equal(1_234, ReserveEngine.RequiredReserve(0.1m, 12_345));
        Assert.Equal(0, ReserveEngine.RequiredReserve(0.5m, 1));
        Assert.Equal(0, ReserveEngine.RequiredReserve(0.5m, -10));
        Assert.Equal(12_345, ReserveEngine.RequiredReserve(1m, 12_345));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReserveEngine.RequiredReserve(1.5m, 10));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Engine_TopsUpFromThePool_ThenReleasesTheExcess_WithoutTouchingCustody(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var (product, accounts) = await kit.InvestedProductAsync(10_005);
        Assert.Equal("no_reserve_policy", (await kit.RunAsync(product, HttpStatusCode.UnprocessableEntity)).Code());
        await kit.SetRatioAsync(product, 0.15m);

        var topUp = await kit.RunAsync(product);
        Assert.Equal("topup", topUp.GetProperty("action").GetString());
        Assert.Equal(10_005, topUp.GetProperty("outstanding").GetInt64());
        Assert.Equal(1_500, topUp.GetProperty("required").GetInt64()); // floor(0.15 × 10,005 = 1,500.75)
        Assert.Equal(0, topUp.GetProperty("held").GetInt64());
        Assert.Equal(1_500, topUp.GetProperty("amount").GetInt64());
        Assert.Equal((10_005, -1_500, 1_500), await kit.BalancesAsync(accounts));

        var steady = await kit.RunAsync(product);
        Assert.Equal("none", steady.GetProperty("action").GetString());
        Assert.Equal(1_500, steady.GetProperty("held").GetInt64());

        await kit.SetRatioAsync(product, 0.1m);
        var release = await kit.RunAsync(product); // no approvals module: nothing is gated
        Assert.Equal("release", release.GetProperty("action").GetString());
        Assert.Equal(500, release.GetProperty("amount").GetInt64());
        Assert.Equal(JsonValueKind.Null, release.GetProperty("approvalId").ValueKind);
        Assert.Equal((10_005, -1_000, 1_000), await kit.BalancesAsync(accounts));

        var runs = (await (await kit.Ops.GetAsync($"/api/v1/investment/products/{product}/reserves/runs")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Select(r => r.GetProperty("action").GetString()).ToList();
        Assert.Equal(["topup", "none", "release"], runs);
        Assert.Equal(2, await kit.TransfersWithReferenceAsync("reserve:"));
        Assert.Equal(1, await LedgerAudit.CountTransfersAsync(kit.Database, ReserveEngine.TopUpCode));
        Assert.Equal(1, await LedgerAudit.CountTransfersAsync(kit.Database, ReserveEngine.ReleaseCode));
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
        // Customers neither run the engine nor set policies; the policy is a product version.
        await (await kit.PostRunAsync(product, kit.Alice)).ExpectAsync(HttpStatusCode.Forbidden);
        var versions = (await (await kit.Admin.GetAsync($"/api/v1/investment/products/{product}/versions")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Select(v => v.GetProperty("action").GetString()).ToList();
        Assert.Equal(["created", "opened", "reserve_policy_set", "reserve_policy_set"], versions);
        Assert.Equal(3L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM audit_events WHERE action = 'reserve.run'"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GatedRelease_IsProposed_ThenTheApprovedOperationReleasesItExactlyOnce(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider,
            services: s => s.Replace(ServiceDescriptor.Scoped<IApprovalGate, AlwaysRequireApproval>()));
        var (product, accounts) = await kit.InvestedProductAsync(20_000);
        await kit.SetRatioAsync(product, 0.2m);
        Assert.Equal("topup", (await kit.RunAsync(product)).GetProperty("action").GetString()); // top-ups are never gated
        await kit.SetRatioAsync(product, 0.05m);

        var proposed = await kit.RunAsync(product, HttpStatusCode.Accepted);
        Assert.Equal("release_pending", proposed.GetProperty("action").GetString());
        Assert.Equal("pending_approval", proposed.GetProperty("status").GetString());
        Assert.Equal(3_000, proposed.GetProperty("amount").GetInt64());
        var approvalId = proposed.GetProperty("approvalId").GetGuid();
        var runId = proposed.GetProperty("id").GetGuid();
        Assert.Equal((20_000, -4_000, 4_000), await kit.BalancesAsync(accounts)); // nothing moved yet
        ApprovalAsk ask;
        lock (AlwaysRequireApproval.Asks)
        {
            ask = AlwaysRequireApproval.Asks.Single(a => a.ResourceId == product.ToString());
        }
        Assert.Equal((ApprovalOperations.ReserveRelease, 3_000L, "USD", "ops"), (ask.Operation, ask.Amount, ask.Currency, ask.RequestedBy));
        // While it waits, later runs propose nothing more.
        Assert.Equal("none", (await kit.RunAsync(product)).GetProperty("action").GetString());

        var approved = new ApprovedOperation(approvalId, RoleClients.DefaultTenant, ApprovalOperations.ReserveRelease, ask.Amount, ask.Currency,
            JsonSerializer.SerializeToElement(ask.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)), ask.RequestedBy, ask.ResourceId);
        var first = await ExecuteApprovedAsync(kit, approved);
        var second = await ExecuteApprovedAsync(kit, approved);
        Assert.Contains("alreadyReleased = False", first);
        Assert.Contains("alreadyReleased = True", second);
        Assert.Equal((20_000, -1_000, 1_000), await kit.BalancesAsync(accounts));
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"reserve:{runId}:release"));
        var run = (await (await kit.Ops.GetAsync($"/api/v1/investment/products/{product}/reserves/runs")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == runId);
        Assert.Equal("released", run.GetProperty("status").GetString());
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RejectedRelease_IsSettledNotReleased_AndTheNextRunProposesAgain(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider,
            services: s => s.Replace(ServiceDescriptor.Scoped<IApprovalGate, AlwaysRequireApproval>()));
        var (product, accounts) = await kit.InvestedProductAsync(20_000);
        await kit.SetRatioAsync(product, 0.2m);
        await kit.RunAsync(product);
        await kit.SetRatioAsync(product, 0.05m);
        var proposed = await kit.RunAsync(product, HttpStatusCode.Accepted);
        Assert.Equal("none", (await kit.RunAsync(product)).GetProperty("action").GetString()); // waiting: nothing more proposed

        lock (AlwaysRequireApproval.Rejected)
        {
            AlwaysRequireApproval.Rejected.Add(proposed.GetProperty("approvalId").GetGuid());
        }
        var again = await kit.RunAsync(product, HttpStatusCode.Accepted);

        Assert.Equal("release_pending", again.GetProperty("action").GetString());
        Assert.NotEqual(proposed.GetProperty("approvalId").GetGuid(), again.GetProperty("approvalId").GetGuid());
        var first = (await (await kit.Ops.GetAsync($"/api/v1/investment/products/{product}/reserves/runs")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == proposed.GetProperty("id").GetGuid());
        Assert.Equal("not_released", first.GetProperty("status").GetString());
        Assert.Equal((20_000, -4_000, 4_000), await kit.BalancesAsync(accounts)); // nothing moved by either proposal
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ApprovedRelease_ThatWouldLeaveTheReserveShort_IsRefused_AndMovesNothing(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider,
            services: s => s.Replace(ServiceDescriptor.Scoped<IApprovalGate, AlwaysRequireApproval>()));
        var (product, accounts) = await kit.InvestedProductAsync(10_000);
        await kit.SetRatioAsync(product, 0.3m);
        await kit.RunAsync(product);
        await kit.SetRatioAsync(product, 0.1m);
        var proposed = await kit.RunAsync(product, HttpStatusCode.Accepted);
        await kit.SetRatioAsync(product, 0.25m); // the policy tightened while the release waited
        ApprovalAsk ask;
        lock (AlwaysRequireApproval.Asks)
        {
            ask = AlwaysRequireApproval.Asks.Single(a => a.ResourceId == product.ToString());
        }
        var approved = new ApprovedOperation(proposed.GetProperty("approvalId").GetGuid(), RoleClients.DefaultTenant,
            ApprovalOperations.ReserveRelease, ask.Amount, ask.Currency,
            JsonSerializer.SerializeToElement(ask.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)), ask.RequestedBy, ask.ResourceId);
        var refused = await Assert.ThrowsAsync<ReserveReleaseRefusedException>(() => ExecuteApprovedAsync(kit, approved));
        Assert.Contains("would leave it short", refused.Message);
        Assert.Equal((10_000, -3_000, 3_000), await kit.BalancesAsync(accounts));
        Assert.Equal(0, await kit.TransfersWithReferenceAsync("reserve:%:release"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ScheduledSweep_RunsEveryProductWithAPolicy_AsTheSystem(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var (first, firstAccounts) = await kit.InvestedProductAsync(10_000);
        var (second, secondAccounts) = await kit.InvestedProductAsync(30_000);
        var (_, withoutPolicy) = await kit.InvestedProductAsync(5_000);
        await kit.SetRatioAsync(first, 0.1m);
        await kit.SetRatioAsync(second, 0.05m);

        var sweeper = kit.Server.Services.GetRequiredService<ReserveSweeper>();
        Assert.Equal(2, await sweeper.SweepOnceAsync(CancellationToken.None));
        Assert.Equal((10_000, -1_000, 1_000), await kit.BalancesAsync(firstAccounts));
        Assert.Equal((30_000, -1_500, 1_500), await kit.BalancesAsync(secondAccounts));
        Assert.Equal((5_000, 0, 0), await kit.BalancesAsync(withoutPolicy));
        Assert.Equal(2, await sweeper.SweepOnceAsync(CancellationToken.None)); // a second pass finds nothing to do
        Assert.Equal(2, await LedgerAudit.CountTransfersAsync(kit.Database, ReserveEngine.TopUpCode));
        var runs = (await (await kit.Ops.GetAsync($"/api/v1/investment/products/{first}/reserves/runs")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["topup", "none"], runs.Select(r => r.GetProperty("action").GetString()));
        Assert.All(runs, r => Assert.Equal("system:reserves", r.GetProperty("triggeredBy").GetString()));
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    /// <summary>What the approvals module does once the quorum signed: the operation in a transaction of its own, then commit.</summary>
    private static async Task<string> ExecuteApprovedAsync(InvestmentKit kit, ApprovedOperation approved)
    {
        await using var scope = kit.Server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = approved.TenantId;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("approvals");
        var operation = scope.ServiceProvider.GetServices<IApprovedOperation>().Single(o => o.Operation == approved.Operation);
        await session.BeginAsync(CancellationToken.None);
        try
        {
            var result = await operation.ExecuteAsync(approved, CancellationToken.None);
            await session.CommitAsync([], CancellationToken.None);
            return result?.ToString() ?? "";
        }
        finally
        {
            await session.RollbackAsync();
        }
    }
}
