using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Idempotency;

/// <summary>Deletes idempotency records past their retention (at least 24 hours).</summary>
internal sealed partial class IdempotencyPurgeService(
    IServiceScopeFactory scopes, IdempotencySettings settings, TimeProvider timeProvider, ILogger<IdempotencyPurgeService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.PurgeInterval, timeProvider);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var session = scope.ServiceProvider.GetRequiredService<DbSession>();
                session.TenantScope = DbSession.AllTenants; // keys of every tenant expire
                await session.BeginAsync(stoppingToken); // on SQLite this takes the single-writer gate
                var deleted = await session.CommitAsync([IdempotencyStatements.Purge(timeProvider.GetUtcNow())], stoppingToken);
                if (deleted[0] > 0)
                {
                    LogPurged(logger, deleted[0]);
                }
            }
            // A worker outlives one failed pass: a broken invariant is logged loudly, and the next pass retries.
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogPurgeFailed(logger, failure);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency records")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Idempotency purge failed; will retry at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
