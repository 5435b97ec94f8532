using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Ledger.Holds;

/// <summary>Releases pending holds past their expiry, each in a transaction of its own.</summary>
internal sealed partial class HoldExpirySweeper(
    IServiceScopeFactory scopes, LedgerSettings settings, TimeProvider timeProvider, ILogger<HoldExpirySweeper> logger)
    : BackgroundService
{
    /// <summary>The sweeper's name as an operation label and audit actor (<c>system:hold-expiry</c>).</summary>
    public const string WorkerName = "hold-expiry";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.HoldSweepInterval, timeProvider);
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
            // A worker outlives one failed pass: a broken invariant is logged loudly, and the next pass retries.
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogSweepFailed(logger, failure);
            }
        }
    }

    /// <summary>Expires up to one page of due holds; returns how many it expired.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        List<(Guid Id, string TenantId)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<DbSession>().TenantScope = DbSession.AllTenants; // finds due holds of every tenant
            due = await scope.ServiceProvider.GetRequiredService<HoldQueries>()
                .ExpiredAsync(timeProvider.GetUtcNow(), settings.HoldSweepBatchSize, cancellationToken);
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
                // One hold that cannot expire (a transient error, or a broken invariant) must not hold up the others.
                LogHoldFailed(logger, failure, id);
            }
        }
        return expired;
    }

    private async Task<bool> ExpireOneAsync(Guid id, string tenantId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.Operation = WorkerName;
        session.TenantScope = tenantId; // each hold expires within its own tenant
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System(WorkerName);
        await session.BeginAsync(cancellationToken);
        var expired = await scope.ServiceProvider.GetRequiredService<HoldResolution>().ExpireAsync(tenantId, id, cancellationToken);
        await session.CommitAsync([], cancellationToken);
        return expired;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hold {HoldId} could not be expired; the next sweep retries it")]
    private static partial void LogHoldFailed(ILogger logger, Exception exception, Guid holdId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} holds")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hold expiry sweep failed; will retry at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
