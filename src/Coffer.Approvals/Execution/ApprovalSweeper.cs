using Coffer.Approvals.Observability;
using Coffer.Approvals.Requests;
using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Approvals.Execution;

/// <summary>
/// On worker roles, every <see cref="ApprovalSettings.SweepInterval"/>: expires pending requests past their TTL, and gives held
/// approvals (executions the kill switch stopped) a new execution job once the switch is off for their tenant. Each approval
/// changes in a transaction of its own, conditional on the state it leaves, so two sweepers on two nodes do each change once.
/// </summary>
internal sealed partial class ApprovalSweeper(
    IServiceScopeFactory scopes, ApprovalSettings settings, ApprovalMetrics metrics, TimeProvider timeProvider,
    ILogger<ApprovalSweeper> logger) : BackgroundService
{
    /// <summary>The sweeper's name as an operation label and audit actor (<c>system:approval-sweeper</c>).</summary>
    public const string WorkerName = "approval-sweeper";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.SweepInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var (expired, released) = await SweepOnceAsync(timeProvider.GetUtcNow(), stoppingToken);
                if (expired + released > 0)
                {
                    LogSwept(logger, expired, released);
                }
            }
            // A worker outlives one failed pass; the next pass retries.
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogSweepFailed(logger, failure);
            }
        }
    }

    /// <summary>One pass at <paramref name="now"/>: returns how many requests it expired and how many held approvals it released.</summary>
    public async Task<(int Expired, int Released)> SweepOnceAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await AcrossTenantsAsync(ApprovalRequest.Due(now, settings.SweepBatchSize), cancellationToken);
        var expired = 0;
        foreach (var (id, tenantId) in due)
        {
            expired += await OneAsync(tenantId, id, (session, scope) => ExpireAsync(session, scope, tenantId, id, now, cancellationToken), cancellationToken);
        }
        var held = await AcrossTenantsAsync(ApprovalRequest.Held(settings.SweepBatchSize), cancellationToken);
        var released = 0;
        await using var flagScope = scopes.CreateAsyncScope();
        var flags = flagScope.ServiceProvider.GetRequiredService<FeatureFlags>();
        foreach (var (id, tenantId) in held)
        {
            if (!await flags.IsEnabledAsync(ApprovalFlags.KillSwitch, new FlagSubject(tenantId, null), cancellationToken))
            {
                released += await OneAsync(tenantId, id, (session, scope) => ReleaseAsync(session, scope, tenantId, id, cancellationToken), cancellationToken);
            }
        }
        return (expired, released);
    }

    private async Task<List<(Guid Id, string TenantId)>> AcrossTenantsAsync(SqlStatement query, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        session.Operation = WorkerName;
        return await session.QueryAsync(query, r => (r.GetGuid(0), r.GetString(1)), cancellationToken);
    }

    /// <summary>Runs <paramref name="change"/> for one approval in its own scope and transaction; 1 if it changed the approval.</summary>
    private async Task<int> OneAsync(string tenantId, Guid id, Func<DbSession, IServiceProvider, Task<bool>> change, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = tenantId;
            session.Operation = WorkerName;
            scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System(WorkerName);
            await session.BeginAsync(cancellationToken);
            try
            {
                var changed = await change(session, scope.ServiceProvider);
                if (changed)
                {
                    await session.CommitAsync([], cancellationToken);
                }
                return changed ? 1 : 0;
            }
            finally
            {
                await session.RollbackAsync(); // no-op after a commit
            }
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // One approval that cannot change (a transient error) must not hold up the others.
            LogApprovalFailed(logger, failure, id);
            return 0;
        }
    }

    private async Task<bool> ExpireAsync(
        DbSession session, IServiceProvider services, string tenantId, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if ((await session.ExecuteAsync([ApprovalRequest.Expire(tenantId, id, now)], cancellationToken))[0] != 1)
        {
            return false; // signed, rejected or expired by someone else since the query
        }
        metrics.OnCommit(session, "expired");
        services.GetRequiredService<AuditTrail>().Record(tenantId, "approval.expired", "approval", id.ToString(), before: null,
            after: new { approvalId = id, status = ApprovalStatuses.Expired, expiredAt = now });
        return true;
    }

    private static async Task<bool> ReleaseAsync(
        DbSession session, IServiceProvider services, string tenantId, Guid id, CancellationToken cancellationToken)
    {
        var approval = (await session.QueryAsync(ApprovalRequest.Find(tenantId, id, session.Provider), ApprovalRequest.Read, cancellationToken))
            .SingleOrDefault();
        if (approval is not { Status: ApprovalStatuses.Approved, HeldAt: not null })
        {
            return false;
        }
        var jobId = services.GetRequiredService<JobQueue>().Enqueue(tenantId, ExecuteApprovalJob.JobType, new ApprovalJobPayload(id), ownerSubject: null);
        var now = services.GetRequiredService<Platform.Time.RecordClock>().Now();
        await session.ExecuteAsync([ApprovalRequest.Release(approval, jobId, now)], cancellationToken);
        services.GetRequiredService<AuditTrail>().Record(tenantId, "approval.released", "approval", id.ToString(), before: null,
            after: new { approvalId = id, executionJobId = jobId });
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Approvals swept: {Expired} expired, {Released} released from hold")]
    private static partial void LogSwept(ILogger logger, int expired, int released);

    [LoggerMessage(Level = LogLevel.Error, Message = "Approval {ApprovalId} could not be swept; the next pass retries it")]
    private static partial void LogApprovalFailed(ILogger logger, Exception exception, Guid approvalId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Approval sweep failed; will retry at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
