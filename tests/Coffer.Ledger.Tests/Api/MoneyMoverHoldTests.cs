using Coffer.Ledger.Contracts;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Ledger.Tests.Api;

/// <summary>
/// Holds through the ledger's module contract (<see cref="IMoneyMover"/>), as commerce uses them: placed once per reference,
/// captured once, voided once, never captured after expiry — each inside the caller's own transaction.
/// </summary>
public sealed class MoneyMoverHoldTests
{
    private const string Revenue = "merchant_revenue";

    /// <summary>Runs <paramref name="work"/> in a committed unit of work of tenant acme (rolled back when it returns a failure).</summary>
    private static async Task<Outcome<T>> InUnitOfWorkAsync<T>(CofferTestServer server, Func<IMoneyMover, Task<Outcome<T>>> work)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = RoleClients.DefaultTenant;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("probe");
        await session.BeginAsync(CancellationToken.None);
        var outcome = await work(scope.ServiceProvider.GetRequiredService<IMoneyMover>());
        if (outcome.IsSuccess)
        {
            await session.CommitAsync([], CancellationToken.None);
        }
        else
        {
            await session.RollbackAsync();
        }
        return outcome;
    }

    private static MoneyHold HoldOf(Guid wallet, long amount, string reference, TimeSpan? expiresIn = null) =>
        new(wallet, Revenue, amount, "USD", expiresIn ?? TimeSpan.FromHours(1), reference, "probe");

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AHold_IsPlacedOncePerReference_AndCapturedOnce(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, _, _, ops, wallet, _) = parties;
        const string tenant = RoleClients.DefaultTenant;

        var placed = await InUnitOfWorkAsync(server, m => m.HoldAsync(tenant, HoldOf(wallet, 3_000, "order:1:hold"), CancellationToken.None));
        Assert.False(placed.Value!.AlreadyPlaced);
        var again = await InUnitOfWorkAsync(server, m => m.HoldAsync(tenant, HoldOf(wallet, 3_000, "order:1:hold"), CancellationToken.None));
        Assert.True(again.Value!.AlreadyPlaced);
        Assert.Equal(placed.Value.HoldId, again.Value.HoldId);
        var balance = await ops.BalanceAsync(wallet);
        Assert.Equal(7_000, balance.GetProperty("available").GetInt64());
        Assert.Equal(10_000, balance.GetProperty("posted").GetInt64());

        var broke = await InUnitOfWorkAsync(server, m => m.HoldAsync(tenant, HoldOf(wallet, 7_001, "order:2:hold"), CancellationToken.None));
        Assert.Equal("insufficient_funds", broke.Failure!.Code);
        Assert.Equal(7_000, (await ops.BalanceAsync(wallet)).GetProperty("available").GetInt64());

        var captured = await InUnitOfWorkAsync(server, m => m.CaptureHoldAsync(tenant, placed.Value.HoldId, CancellationToken.None));
        Assert.False(captured.Value!.AlreadyPosted);
        var recaptured = await InUnitOfWorkAsync(server, m => m.CaptureHoldAsync(tenant, placed.Value.HoldId, CancellationToken.None));
        Assert.True(recaptured.Value!.AlreadyPosted);
        Assert.Equal(captured.Value.TransferId, recaptured.Value.TransferId);
        Assert.Equal(7_000, (await ops.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
        var revenue = await InUnitOfWorkAsync<long>(server, async m => await m.SystemBalanceAsync(tenant, "USD", Revenue, CancellationToken.None));
        Assert.Equal(3_000, revenue.Value);

        // Captured money is not released: giving it back is a movement.
        var release = await InUnitOfWorkAsync(server, m => m.ReleaseHoldAsync(tenant, placed.Value.HoldId, CancellationToken.None));
        Assert.Equal("hold_not_pending", release.Failure!.Code);
        var unknown = await InUnitOfWorkAsync(server, m => m.CaptureHoldAsync(tenant, Guid.NewGuid(), CancellationToken.None));
        Assert.Equal("not_found", unknown.Failure!.Code);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AVoidedOrExpiredHold_IsNeverCaptured_AndReleasingTwiceIsHarmless(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, _, _, ops, wallet, _) = parties;
        const string tenant = RoleClients.DefaultTenant;

        var voided = (await InUnitOfWorkAsync(server, m => m.HoldAsync(tenant, HoldOf(wallet, 1_000, "v"), CancellationToken.None))).Value!;
        Assert.True((await InUnitOfWorkAsync(server, m => m.ReleaseHoldAsync(tenant, voided.HoldId, CancellationToken.None))).Value);
        Assert.False((await InUnitOfWorkAsync(server, m => m.ReleaseHoldAsync(tenant, voided.HoldId, CancellationToken.None))).Value);
        Assert.Equal("hold_not_pending",
            (await InUnitOfWorkAsync(server, m => m.CaptureHoldAsync(tenant, voided.HoldId, CancellationToken.None))).Failure!.Code);

        var lapsed = (await InUnitOfWorkAsync(server, m => m.HoldAsync(tenant, HoldOf(wallet, 2_000, "x", TimeSpan.FromSeconds(1)), CancellationToken.None))).Value!;
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var late = await InUnitOfWorkAsync(server, m => m.CaptureHoldAsync(tenant, lapsed.HoldId, CancellationToken.None));
        Assert.Equal("hold_not_pending", late.Failure!.Code);
        Assert.Equal("expired", late.Failure.Extensions["holdStatus"]);
        // Released now, or already by the ledger's expiry sweeper (its timer may have come first): either way, once.
        Assert.True((await InUnitOfWorkAsync(server, m => m.ReleaseHoldAsync(tenant, lapsed.HoldId, CancellationToken.None))).IsSuccess);
        Assert.False((await InUnitOfWorkAsync(server, m => m.ReleaseHoldAsync(tenant, lapsed.HoldId, CancellationToken.None))).Value);
        var balance = await ops.BalanceAsync(wallet);
        Assert.Equal(10_000, balance.GetProperty("available").GetInt64());
        Assert.Equal(10_000, balance.GetProperty("posted").GetInt64());
    }
}
