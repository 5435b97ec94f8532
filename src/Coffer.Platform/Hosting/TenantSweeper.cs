using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Hosting;

/// <summary>
/// A worker that, every <see cref="Interval"/>, finds the due items of every tenant (expired holds, overdue orders, products
/// whose reserves need a run) and settles each in a scope and transaction of its own, within the item's tenant and as actor
/// <c>system:&lt;worker&gt;</c>. One item that fails — a transient error or a broken invariant — is logged and left for the
/// next pass; it never holds up the others, and a failed pass never stops the worker. Several workers may overlap: each
/// settlement locks its item and re-checks that it is still due.
/// </summary>
public abstract partial class TenantSweeper(IServiceScopeFactory scopes, TimeProvider timeProvider, ILogger logger) : BackgroundService
{
    /// <summary>The operation label and audit actor (<c>system:&lt;name&gt;</c>) of the sweeper's work.</summary>
    public abstract string WorkerName { get; }

    /// <summary>What an item is, for log lines ("hold", "order", "product").</summary>
    protected abstract string ItemKind { get; }

    protected abstract TimeSpan Interval { get; }

    protected TimeProvider Time => timeProvider;

    /// <summary>Due items of every tenant, at most one batch, read in a session of all tenants.</summary>
    protected abstract Task<IReadOnlyList<(string TenantId, Guid Id)>> FindDueAsync(DbSession session, CancellationToken cancellationToken);

    /// <summary>
    /// Settles one item in the open transaction of <paramref name="services"/>' session (scoped to <paramref name="tenantId"/>):
    /// true commits it, false (no longer due, refused) rolls it back.
    /// </summary>
    protected abstract Task<bool> SettleAsync(IServiceProvider services, string tenantId, Guid id, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var settled = await SweepOnceAsync(stoppingToken);
                if (settled > 0)
                {
                    LogSettled(logger, WorkerName, settled, ItemKind);
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogSweepFailed(logger, failure, WorkerName);
            }
        }
    }

    /// <summary>Settles up to one batch of due items; returns how many it committed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<(string TenantId, Guid Id)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = DbSession.AllTenants; // finds the due items of every tenant
            due = await FindDueAsync(session, cancellationToken);
        }
        var settled = 0;
        foreach (var (tenantId, id) in due)
        {
            try
            {
                settled += await SettleOneAsync(tenantId, id, cancellationToken) ? 1 : 0;
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogItemFailed(logger, failure, WorkerName, ItemKind, id);
            }
        }
        return settled;
    }

    private async Task<bool> SettleOneAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.Operation = WorkerName;
        session.TenantScope = tenantId;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System(WorkerName);
        await session.BeginAsync(cancellationToken);
        try
        {
            if (!await SettleAsync(scope.ServiceProvider, tenantId, id, cancellationToken))
            {
                return false;
            }
            await session.CommitAsync([], cancellationToken);
            return true;
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweeper {Worker} settled {Count} items of kind {Kind}")]
    private static partial void LogSettled(ILogger logger, string worker, int count, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeper {Worker} could not settle {Kind} {Id}; the next pass retries it")]
    private static partial void LogItemFailed(ILogger logger, Exception exception, string worker, string kind, Guid id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeper {Worker} failed its pass; it retries at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string worker);
}
