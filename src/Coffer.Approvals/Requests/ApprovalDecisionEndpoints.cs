using System.Diagnostics;
using System.Security.Claims;
using Coffer.Approvals.Execution;
using Coffer.Approvals.Observability;
using Coffer.Approvals.Partners;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Approvals.Requests;

/// <summary>
/// POST /api/v1/approvals/{id}/signatures and /rejections (role partner, idempotent). The approval row is locked first, so the
/// decisions of one approval are serialised: the M-th signature is counted once, turns the approval <c>approved</c> and
/// enqueues <c>approval.execute</c> in the same transaction — the operation runs once however many partners sign at once.
/// UNIQUE (approval_id, partner_id) keeps signers distinct even without the lock.
/// </summary>
internal static class ApprovalDecisionEndpoints
{
    public const int MaxReasonLength = 500;

    public sealed record RejectionRequest(string? Reason);

    public static void MapApprovalDecisionEndpoints(this RouteGroupBuilder api)
    {
        var decisions = api.MapGroup("/{id:guid}").WithTags("Approvals").RequireRoles(Roles.Partner);
        decisions.MapPost("/signatures", Sign).RequireIdempotency().RequireRateLimit(ApprovalRateLimits.Decisions)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Sign an approval as an active approval partner; the last signature of the quorum starts its execution");
        decisions.MapPost("/rejections", Reject).RequireIdempotency().RequireRateLimit(ApprovalRateLimits.Decisions)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Reject a pending approval as an active approval partner: it will not execute");
    }

    private static async Task<Results<Created<ApprovalResponse>, ProblemHttpResult>> Sign(
        Guid id, ClaimsPrincipal user, DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit, ApprovalMetrics metrics,
        HttpContext http, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var caller = Caller.From(user);
        var (approval, partner, refused) = await DecisionContextAsync(session, caller, id, cancellationToken);
        if (refused is not null)
        {
            return refused.ToProblem(http);
        }
        var signatures = await session.QueryAsync(ApprovalSignature.Of(caller.Tenant, id), ApprovalSignature.Read, cancellationToken);
        if (signatures.Any(s => s.PartnerId == partner!.Id))
        {
            return ApprovalFailures.AlreadySigned.ToProblem(http);
        }
        var now = clock.Now();
        if (StateProblem(approval!, ApprovalStatuses.Approved, now) is { } invalid)
        {
            return invalid.ToProblem(http);
        }
        if (partner!.Subject == approval!.RequestedBy)
        {
            return ApprovalFailures.SelfApproval.ToProblem(http);
        }
        var signature = new ApprovalSignature(clock.NewId(now), caller.Tenant, id, partner.Id, partner.Subject, now);
        if ((await session.ExecuteAsync([ApprovalSignature.Insert(signature)], cancellationToken))[0] == 0)
        {
            return ApprovalFailures.AlreadySigned.ToProblem(http); // the constraint, should the lock ever be bypassed
        }
        signatures.Add(signature);
        metrics.OnCommit(session, "signed");
        audit.Record(caller.Tenant, "approval.signed", "approval", id.ToString(), before: null,
            after: new { approvalId = id, partnerId = partner.Id, subject = partner.Subject, signatures = signatures.Count });
        if (signatures.Count >= approval.RequiredSignatures)
        {
            ApprovalStatuses.Assert(approval.Status, ApprovalStatuses.Approved);
            var jobId = jobs.Enqueue(caller.Tenant, ExecuteApprovalJob.JobType, new ApprovalJobPayload(id), ownerSubject: null);
            if ((await session.ExecuteAsync([ApprovalRequest.Approve(approval, jobId, now)], cancellationToken))[0] != 1)
            {
                throw new InvalidOperationException($"Approval {id} left pending under its lock.");
            }
            (approval.Status, approval.DecidedAt, approval.ExecutionJobId, approval.UpdatedAt) = (ApprovalStatuses.Approved, now, jobId, now);
            metrics.OnCommit(session, "approved");
            audit.Record(caller.Tenant, "approval.approved", "approval", id.ToString(), before: null, after: ApprovalResponse.From(approval, signatures));
        }
        metrics.Verified(Stopwatch.GetElapsedTime(started));
        return TypedResults.Created($"/api/v1/approvals/{id}", ApprovalResponse.From(approval, signatures));
    }

    private static async Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> Reject(
        Guid id, RejectionRequest? request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit,
        ApprovalMetrics metrics, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var reason = errors.OptionalText("reason", request?.Reason, MaxReasonLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var (approval, partner, refused) = await DecisionContextAsync(session, caller, id, cancellationToken);
        if (refused is not null)
        {
            return refused.ToProblem(http);
        }
        var now = clock.Now();
        if (StateProblem(approval!, ApprovalStatuses.Rejected, now) is { } invalid)
        {
            return invalid.ToProblem(http);
        }
        ApprovalStatuses.Assert(approval!.Status, ApprovalStatuses.Rejected);
        session.Defer(ApprovalRequest.Reject(approval, partner!.Subject, reason, now));
        var before = ApprovalResponse.From(approval, null);
        (approval.Status, approval.DecidedAt, approval.RejectedBy, approval.RejectionReason, approval.UpdatedAt) =
            (ApprovalStatuses.Rejected, now, partner.Subject, reason, now);
        var signatures = await session.QueryAsync(ApprovalSignature.Of(caller.Tenant, id), ApprovalSignature.Read, cancellationToken);
        var after = ApprovalResponse.From(approval, signatures);
        metrics.OnCommit(session, "rejected");
        audit.Record(caller.Tenant, "approval.rejected", "approval", id.ToString(), before, after);
        return TypedResults.Ok(after);
    }

    /// <summary>
    /// The approval, locked (404 when it is not of the caller's tenant, before anything else is said about it), and the caller as
    /// an active approval partner of the tenant (403 otherwise).
    /// </summary>
    private static async Task<(ApprovalRequest? Approval, ApprovalPartner? Partner, Failure? Refused)> DecisionContextAsync(
        DbSession session, Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var approval = (await session.QueryAsync(ApprovalRequest.Find(caller.Tenant, id, session.Provider), ApprovalRequest.Read, cancellationToken))
            .SingleOrDefault();
        if (approval is null)
        {
            return (null, null, Failure.NotFound("approval"));
        }
        var partner = (await session.QueryAsync(ApprovalPartner.BySubject(caller.Tenant, caller.Subject), ApprovalPartner.Read, cancellationToken))
            .SingleOrDefault();
        if (partner is null)
        {
            return (null, null, ApprovalFailures.NotAPartner);
        }
        return partner.Status == ApprovalPartnerStatuses.Active ? (approval, partner, null) : (null, null, ApprovalFailures.PartnerSuspended);
    }

    /// <summary>Only a pending approval before its expiry is decided: the clock is checked too, not only the sweeper's work.</summary>
    private static Failure? StateProblem(ApprovalRequest approval, string to, DateTimeOffset now)
    {
        if (approval.Status == ApprovalStatuses.Pending && approval.ExpiresAt <= now)
        {
            return ApprovalFailures.InvalidTransition(ApprovalStatuses.Expired, to);
        }
        return ApprovalStatuses.CanBecome(approval.Status, to) ? null : ApprovalFailures.InvalidTransition(approval.Status, to);
    }
}
