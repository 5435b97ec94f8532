using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Jobs;

/// <summary>
/// Worker chores over the jobs table: samples jobs by type and status, the queue lag and (RabbitMQ transport) the outbox
/// for the metrics (every 15 s), and
/// applies retention (every 10 minutes): succeeded jobs 24 h and at most 1000 kept, dead and discarded ones 7 days.
/// </summary>
internal sealed partial class JobHousekeeping(
    IServiceScopeFactory scopes, JobSettings settings, JobMetrics metrics, TimeProvider time, ILogger<JobHousekeeping> logger)
    : BackgroundService
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval, time);
        var lastPurge = DateTimeOffset.MinValue;
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
                if (time.GetUtcNow() - lastPurge >= PurgeInterval)
                {
                    await PurgeAsync(stoppingToken);
                    lastPurge = time.GetUtcNow();
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogFailed(logger, failure);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = Session(scope, "jobs.census");
        var now = time.GetUtcNow();
        var census = await session.QueryAsync(JobStore.Census(), r => (r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellationToken);
        var oldest = await session.QueryAsync(JobStore.OldestDue(now),
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(0), cancellationToken);
        // The database transport has no outbox: its workers claim due jobs straight from the table.
        long? outbox = settings.Transport == JobTransport.RabbitMq
            ? (await session.QueryAsync(JobStore.Outbox(now), r => r.GetInt64(0), cancellationToken)).Single()
            : null;
        metrics.Sampled(census, oldest is [{ } due] ? now - due : TimeSpan.Zero, outbox);
    }

    internal async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = Session(scope, "jobs.purge");
        var now = time.GetUtcNow();
        await session.BeginAsync(cancellationToken);
        var deleted = await session.CommitAsync(
            JobStore.Purge(now - settings.SucceededRetention, settings.SucceededKept, now - settings.FailedRetention), cancellationToken);
        var total = deleted.Sum();
        if (total > 0)
        {
            LogPurged(logger, total);
        }
        return total;
    }

    private static DbSession Session(AsyncServiceScope scope, string operation)
    {
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        session.Operation = operation;
        return session;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job retention removed {Count} finished jobs")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job housekeeping failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
