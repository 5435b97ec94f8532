using Coffer.Approvals.Observability;
using Coffer.Approvals.Policies;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Time;

namespace Coffer.Approvals.Requests;

/// <summary>
/// The approvals module's <see cref="IApprovalGate"/>: no policy for the operation, or an amount below the policy's threshold
/// for its currency → null (execute now). Otherwise the approval request is inserted in the caller's open transaction — it
/// exists exactly when the caller's unit of work commits — and returned. The policy row is locked for the count, so two
/// concurrent askers of the same inputs cannot both slip under the per-hash rate limit.
/// </summary>
internal sealed class ApprovalGate(
    DbSession session, RecordClock clock, ApprovalSettings settings, ApprovalMetrics metrics, AuditTrail audit) : IApprovalGate
{
    public async Task<string?> StatusOfAsync(string tenantId, Guid approvalId, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(SqlStatement.Tagged("approval_requests.status",
            "SELECT status FROM approval_requests WHERE tenant_id = @tenant AND id = @id", ("tenant", tenantId), ("id", approvalId)),
            r => r.GetString(0), cancellationToken);
        return rows is [var status] ? status : null;
    }

    public async Task<ApprovalRequired?> RequireAsync(ApprovalAsk ask, CancellationToken cancellationToken)
    {
        if (!session.InTransaction)
        {
            throw new InvalidOperationException("The approval gate is asked inside the unit of work of the gated operation.");
        }
        if (!ApprovalOperations.All.Contains(ask.Operation))
        {
            throw new ArgumentException($"'{ask.Operation}' is not one of the approval operations.", nameof(ask));
        }
        if ((ask.Amount is null) != (ask.Currency is null) || ask.Amount < 0)
        {
            throw new ArgumentException("An amount comes with its currency, and is not negative.", nameof(ask));
        }
        var policy = (await session.QueryAsync(ApprovalPolicy.Find(ask.TenantId, ask.Operation, session.Provider), ApprovalPolicy.Read,
            cancellationToken)).SingleOrDefault();
        if (policy is null || !policy.Gates(ask.Amount, ask.Currency))
        {
            return null;
        }
        var payload = InputsHash.Canonical(ask.Payload);
        if (payload.Length > 16 * 1024)
        {
            throw new ArgumentException("An approval payload is at most 16 KiB of JSON.", nameof(ask));
        }
        var hash = InputsHash.Of(ask.Operation, payload, ask.Amount, ask.Currency, ask.ResourceId);
        var now = clock.Now();
        var recent = (await session.QueryAsync(ApprovalRequest.CountRecent(ask.TenantId, ask.Operation, hash, now - ApprovalSettings.CreationWindow),
            r => r.GetInt64(0), cancellationToken)).Single();
        if (recent >= settings.CreationsPerHashPerHour)
        {
            metrics.RateLimited(ask.Operation);
            throw new ApprovalRateLimitedException(ask.Operation, ApprovalSettings.CreationWindow);
        }
        var request = new ApprovalRequest
        {
            Id = clock.NewId(now),
            TenantId = ask.TenantId,
            Operation = ask.Operation,
            Payload = payload,
            Amount = ask.Amount,
            Currency = ask.Currency,
            ResourceId = ask.ResourceId,
            InputsHash = hash,
            RequestedBy = ask.RequestedBy,
            Status = ApprovalStatuses.Pending,
            RequiredSignatures = policy.RequiredSignatures,
            PolicyId = policy.Id,
            PolicyVersion = policy.Version,
            ExpiresAt = now.AddSeconds(policy.TtlSeconds),
            CreatedAt = now,
            UpdatedAt = now,
        };
        session.Defer(ApprovalRequest.Insert(request));
        metrics.OnCommit(session, "created");
        audit.Record(ask.TenantId, "approval.requested", "approval", request.Id.ToString(), before: null,
            after: ApprovalResponse.From(request, []));
        return new ApprovalRequired(request.Id, ApprovalRequired.PendingApproval, request.ExpiresAt);
    }
}
