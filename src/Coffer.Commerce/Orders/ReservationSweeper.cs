using Coffer.Platform.Hosting;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Commerce.Orders;

/// <summary>
/// Ends unpaid orders whose reservation ran out (<c>Coffer:Commerce:ReservationSeconds</c>): each is cancelled
/// (<c>reservation_expired</c>) in a transaction of its own under its row lock — its stock released, a wallet hold voided —
/// unless its payment won the race for the lock. Runs every <c>ReservationSweepSeconds</c> on worker instances.
/// </summary>
internal sealed class ReservationSweeper(
    IServiceScopeFactory scopes, CommerceSettings settings, TimeProvider timeProvider, ILogger<ReservationSweeper> logger)
    : TenantSweeper(scopes, timeProvider, logger)
{
    /// <summary>The sweeper's name as an operation label and audit actor (<c>system:order-reservations</c>).</summary>
    public const string Name = "order-reservations";

    public override string WorkerName => Name;

    protected override string ItemKind => "order";

    protected override TimeSpan Interval => settings.ReservationSweepInterval;

    protected override async Task<IReadOnlyList<(string TenantId, Guid Id)>> FindDueAsync(DbSession session, CancellationToken cancellationToken) =>
        await session.QueryAsync(Order.Overdue(Time.GetUtcNow(), CommerceSettings.SweepBatchSize), r => (r.GetString(1), r.GetGuid(0)),
            cancellationToken);

    protected override async Task<bool> SettleAsync(IServiceProvider services, string tenantId, Guid id, CancellationToken cancellationToken)
    {
        var changes = services.GetRequiredService<OrderChanges>();
        var order = await changes.LockAsync(tenantId, id, cancellationToken);
        if (order is null || order.Status != OrderStatuses.PendingPayment || order.ReservedUntil > Time.GetUtcNow())
        {
            return false;
        }
        var cancelled = await changes.CancelAsync(order, Order.CancelledExpired, $"system:{Name}", cancellationToken);
        return cancelled.IsSuccess
            ? true
            : throw new InvalidOperationException($"Overdue order {id} could not be cancelled: {cancelled.Failure!.Code}.");
    }
}
