using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Commerce.Orders;

/// <summary>
/// Ends unpaid orders whose reservation ran out (<c>Coffer:Commerce:ReservationSeconds</c>): each is cancelled
/// (<c>reservation_expired</c>) in a transaction of its own under its row lock — its stock released, a wallet hold voided —
/// unless its payment won the race for the lock. Runs every <c>ReservationSweepSeconds</c> on worker instances.
/// </summary>
internal sealed partial class ReservationSweeper(
    IServiceScopeFactory scopes, CommerceSettings settings, TimeProvider timeProvider, ILogger<ReservationSweeper> logger) : BackgroundService
{
    /// <summary>The sweeper's name as an operation label and audit actor (<c>system:order-reservations</c>).</summary>
    public const string WorkerName = "order-reservations";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.ReservationSweepInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var expired = await SweepOnceAsync(stoppingToken);
                if (expired > 0)
                {
                    LogExpired(logger, expired);
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogSweepFailed(logger, failure);
            }
        }
    }

    /// <summary>Cancels up to one batch of overdue orders; returns how many it cancelled.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        List<(Guid Id, string TenantId)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = DbSession.AllTenants; // finds overdue orders of every tenant
            due = await session.QueryAsync(Order.Overdue(timeProvider.GetUtcNow(), CommerceSettings.SweepBatchSize),
                r => (r.GetGuid(0), r.GetString(1)), cancellationToken);
        }
        var expired = 0;
        foreach (var (id, tenantId) in due)
        {
            try
            {
                if (await ExpireOneAsync(id, tenantId, cancellationToken))
                {
                    expired++;
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogOrderFailed(logger, failure, id);
            }
        }
        return expired;
    }

    private async Task<bool> ExpireOneAsync(Guid id, string tenantId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.Operation = WorkerName;
        session.TenantScope = tenantId;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System(WorkerName);
        var changes = scope.ServiceProvider.GetRequiredService<OrderChanges>();
        await session.BeginAsync(cancellationToken);
        try
        {
            var order = await changes.LockAsync(tenantId, id, cancellationToken);
            if (order is null || order.Status != OrderStatuses.PendingPayment || order.ReservedUntil > timeProvider.GetUtcNow())
            {
                return false;
            }
            var cancelled = await changes.CancelAsync(order, Order.CancelledExpired, $"system:{WorkerName}", cancellationToken);
            if (!cancelled.IsSuccess)
            {
                throw new InvalidOperationException($"Overdue order {id} could not be cancelled: {cancelled.Failure!.Code}.");
            }
            await session.CommitAsync([], cancellationToken);
            return true;
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId} could not be expired; the next sweep retries it")]
    private static partial void LogOrderFailed(ILogger logger, Exception exception, Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled {Count} orders whose reservation expired")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order reservation sweep failed; will retry at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
