using System.Text.Json;
using Coffer.Approvals.Observability;
using Coffer.Approvals.Requests;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Jobs;
using Coffer.Platform.Time;

namespace Coffer.Approvals.Execution;

internal sealed record ApprovalJobPayload(Guid ApprovalId);

/// <summary>
/// Job <c>approval.execute</c>, enqueued by the quorum's last signature. In one transaction: the approval is locked, and only if
/// it is still <c>approved</c> and this job is its current execution job does the owning module's
/// <see cref="IApprovedOperation"/> run; its writes commit with the approval's <c>executed</c> status and the job's success, or
/// none of them do — so the operation executes at most once, however often the job is re-delivered.
/// <para>While <see cref="ApprovalFlags.KillSwitch"/> is on for the tenant, nothing executes: the approval is marked held and the
/// job completes with <c>{"status":"held"}</c> (retrying would only burn attempts). The sweeper gives a held approval a new
/// execution job once the switch is off.</para>
/// </summary>
internal sealed class ExecuteApprovalJob(
    IEnumerable<IApprovedOperation> operations, FeatureFlags flags, RecordClock clock, AuditTrail audit, ApprovalMetrics metrics)
    : IJobHandler
{
    public const string JobType = "approval.execute";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<ApprovalJobPayload>();
        var killed = await flags.IsEnabledAsync(ApprovalFlags.KillSwitch, new FlagSubject(job.TenantId, null), cancellationToken);
        await job.BeginAsync(cancellationToken);
        var session = job.Session;
        var approval = (await session.QueryAsync(ApprovalRequest.Find(job.TenantId, input.ApprovalId, session.Provider), ApprovalRequest.Read,
            cancellationToken)).SingleOrDefault() ?? throw new PermanentJobException($"Approval {input.ApprovalId} does not exist.");
        if (approval.Status != ApprovalStatuses.Approved || approval.ExecutionJobId != job.Id)
        {
            // Executed by an earlier attempt that committed, or superseded by the job that released a hold.
            var outcome = approval.Status == ApprovalStatuses.Approved ? "superseded" : approval.Status;
            await job.CompleteAsync(new { status = outcome }, [], cancellationToken);
            return null;
        }
        var now = clock.Now();
        if (killed)
        {
            metrics.OnCommit(session, "held");
            audit.Record(job.TenantId, "approval.held", "approval", approval.Id.ToString(), before: null,
                after: new { approvalId = approval.Id, flag = ApprovalFlags.KillSwitch });
            await job.CompleteAsync(new { status = "held" }, [ApprovalRequest.Hold(approval, now)], cancellationToken);
            return null;
        }
        var executors = operations.Where(o => o.Operation == approval.Operation).ToList();
        var operation = executors switch
        {
            [var only] => only,
            [] => throw new PermanentJobException($"No executor is registered for approved operation '{approval.Operation}'."),
            // Two modules claiming one operation is a composition bug: refuse rather than pick one.
            _ => throw new PermanentJobException(
                $"{executors.Count} executors are registered for approved operation '{approval.Operation}': "
                + string.Join(", ", executors.Select(e => e.GetType().Name)) + "."),
        };
        ApprovalStatuses.Assert(approval.Status, ApprovalStatuses.Executed);
        using var payload = JsonDocument.Parse(approval.Payload);
        var result = await operation.ExecuteAsync(new ApprovedOperation(approval.Id, approval.TenantId, approval.Operation, approval.Amount,
            approval.Currency, payload.RootElement.Clone(), approval.RequestedBy, approval.ResourceId), cancellationToken);
        var resultJson = result is null ? null : JsonSerializer.Serialize(result, result.GetType(), Json);
        metrics.OnCommit(session, "executed");
        audit.Record(job.TenantId, "approval.executed", "approval", approval.Id.ToString(), before: null,
            after: new { approvalId = approval.Id, operation = approval.Operation, result });
        await job.CompleteAsync(new { status = ApprovalStatuses.Executed, result }, [ApprovalRequest.Execute(approval, resultJson, now)],
            cancellationToken);
        return null;
    }
}
