using System.Diagnostics;
using Coffer.Platform.Audit;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Jobs;

/// <summary>
/// Runs one claimed attempt in a scope of its own: the job's tenant, a system audit actor, a span linked to the request
/// that enqueued it, and a deadline inside the lease. Then records the outcome: succeeded (unless the handler committed it
/// with its effect), failed with the next attempt scheduled, or dead.
/// </summary>
public sealed partial class JobRunner(
    IServiceScopeFactory scopes, JobHandlerRegistry handlers, JobSettings settings, TimeProvider time, JobMetrics metrics,
    ILogger<JobRunner> logger)
{
    public const int MaxErrorLength = 2000;

    /// <summary>A worker's name in the leases it holds: host, process and a fresh id (its last 100 characters, the column's size).</summary>
    internal static string NewLeaseOwner()
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        return owner.Length <= 100 ? owner : owner[^100..];
    }

    /// <summary>Runs <paramref name="job"/>, leased to <paramref name="leaseOwner"/>. Returns false when the attempt was released unfinished.</summary>
    public async Task<bool> RunAsync(Job job, string leaseOwner, CancellationToken stopping)
    {
        using var activity = TraceContextCarrier.StartLinked(CofferTelemetry.Work, $"job {job.Type}", job.TraceParent);
        activity?.SetTag("coffer.job.id", job.Id.ToString());
        activity?.SetTag("coffer.job.type", job.Type);
        activity?.SetTag("coffer.job.attempt", job.Attempts);
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = job.TenantId;
        session.Operation = $"job:{job.Type}";
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System($"job:{job.Type}");
        var started = Stopwatch.GetTimestamp();
        var handler = handlers.Resolve(scope.ServiceProvider, job.Type);
        if (handler is null || job.Attempts > job.MaxAttempts)
        {
            // A lease that expired on the last attempt: the worker died (or hung) every time. Never run it a further time.
            var reason = handler is null ? $"No handler for job type '{job.Type}' in this process." : "The lease expired on the last attempt.";
            await RecordAsync(session, JobStore.Fail(job.Id, leaseOwner, reason, null, time.GetUtcNow()), stopping);
            metrics.Attempted(job.Type, "dead", Stopwatch.GetElapsedTime(started));
            LogDead(logger, job.Id, job.Type, job.Attempts, reason);
            return true;
        }
        var execution = new JobExecution(job, leaseOwner, session, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(settings.Lease * 0.9); // finish (or give up) before another worker may take the job
        try
        {
            var result = await handler.RunAsync(execution, deadline.Token);
            if (!execution.Completed)
            {
                await execution.BeginAsync(stopping);
                await execution.CompleteAsync(result, [], stopping);
            }
            metrics.Attempted(job.Type, "succeeded", Stopwatch.GetElapsedTime(started));
            return true;
        }
        catch (JobLeaseLostException)
        {
            await session.RollbackAsync();
            metrics.Attempted(job.Type, "lease_lost", Stopwatch.GetElapsedTime(started));
            LogLeaseLost(logger, job.Id, job.Type);
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await session.RollbackAsync();
            await RecordAsync(session, JobStore.Release(job.Id, leaseOwner, time.GetUtcNow()), CancellationToken.None);
            metrics.Attempted(job.Type, "released", Stopwatch.GetElapsedTime(started));
            return false;
        }
        catch (Exception failure)
        {
            await session.RollbackAsync();
            var permanent = failure is PermanentJobException;
            var delay = permanent ? null : JobRetryPolicy.NextDelay(job.Attempts, settings.For(job.Type), settings.JitterRatio, Random.Shared);
            var now = time.GetUtcNow();
            var error = Describe(failure, deadline.IsCancellationRequested);
            await RecordAsync(session, JobStore.Fail(job.Id, leaseOwner, error, now + delay, now), stopping);
            metrics.Attempted(job.Type, delay is null ? "dead" : "failed", Stopwatch.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, error);
            if (delay is null)
            {
                LogDead(logger, job.Id, job.Type, job.Attempts, error);
            }
            else
            {
                LogRetry(logger, job.Id, job.Type, job.Attempts, delay.Value.TotalSeconds, error);
            }
            return true;
        }
    }

    private static string Describe(Exception failure, bool timedOut)
    {
        var text = timedOut && failure is OperationCanceledException
            ? "The attempt ran out of time (its lease)."
            : failure is PermanentJobException ? failure.Message : $"{failure.GetType().Name}: {failure.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    /// <summary>Writes the outcome in a transaction of its own; a failure here leaves the lease to expire and the job to run again.</summary>
    private async Task RecordAsync(DbSession session, SqlStatement outcome, CancellationToken cancellationToken)
    {
        try
        {
            await session.BeginAsync(cancellationToken);
            await session.CommitAsync([outcome], cancellationToken);
        }
        catch (Exception failure) when (failure is DbFailureException or OperationCanceledException or System.Data.Common.DbException)
        {
            await session.RollbackAsync();
            LogRecordFailed(logger, failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({JobType}) attempt {Attempt} failed; retrying in {DelaySeconds:F1} s: {Error}")]
    private static partial void LogRetry(ILogger logger, Guid jobId, string jobType, int attempt, double delaySeconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({JobType}) is dead after attempt {Attempt}: {Error}")]
    private static partial void LogDead(ILogger logger, Guid jobId, string jobType, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({JobType}) lost its lease to another worker; this attempt's work was rolled back")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId, string jobType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record a job's outcome; its lease will expire and it will run again")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception);
}
