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
            catch (DbFailureException failure)
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
            due = await scope.ServiceProvider.GetRequiredService<HoldQueries>()
                .ExpiredAsync(timeProvider.GetUtcNow(), settings.HoldSweepBatchSize, cancellationToken);
        }
        var expired = 0;
        foreach (var (id, tenantId) in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            await session.BeginAsync(cancellationToken);
            if (await scope.ServiceProvider.GetRequiredService<HoldResolution>().ExpireAsync(tenantId, id, cancellationToken))
            {
                expired++;
            }
            await session.CommitAsync([], cancellationToken);
        }
        return expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} holds")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hold expiry sweep failed; will retry at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
