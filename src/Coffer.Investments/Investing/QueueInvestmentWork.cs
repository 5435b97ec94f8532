using System.Security.Claims;
using Coffer.Investments.Observability;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Investments.Investing;

/// <summary>
/// POST …/investments/{id}/execute and …/redeem: one conditional status step (pending → executing, active → redeeming) and the
/// job that does the money work, enqueued in the same transaction. The step is an UPDATE … WHERE status = from: of many
/// concurrent requests (whatever their keys) exactly one moves it and gets 202; the others find it moved and get 409
/// <c>invalid_transition</c>, and their enqueued job rolls back with them.
/// </summary>
internal static class QueueInvestmentWork
{
    /// <summary>The optional body: the idempotency key may travel here instead of the header.</summary>
    public sealed record Request(string? IdempotencyKey = null);

    public static Task<Results<Accepted<QueuedWork>, ProblemHttpResult>> Execute(
        Guid id, Request? request, ClaimsPrincipal user, DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit,
        InvestmentMetrics metrics, HttpContext http, CancellationToken cancellationToken) =>
        QueueAsync(id, InvestmentStatuses.Pending, InvestmentStatuses.Executing, ExecuteInvestmentJob.JobType, "execution_queued",
            "Execution queued: the wallet is debited into the product's custody by the job, then the partner (if any) is called.",
            request, user, session, jobs, clock, audit, metrics, http, cancellationToken);

    public static Task<Results<Accepted<QueuedWork>, ProblemHttpResult>> Redeem(
        Guid id, Request? request, ClaimsPrincipal user, DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit,
        InvestmentMetrics metrics, HttpContext http, CancellationToken cancellationToken) =>
        QueueAsync(id, InvestmentStatuses.Active, InvestmentStatuses.Redeeming, RedeemInvestmentJob.JobType, "redemption_queued",
            "Redemption queued: the principal and the accrued return are paid back to the wallet by the job.",
            request, user, session, jobs, clock, audit, metrics, http, cancellationToken);

    private static async Task<Results<Accepted<QueuedWork>, ProblemHttpResult>> QueueAsync(
        Guid id, string from, string to, string jobType, string lifecycleEvent, string message, Request? request, ClaimsPrincipal user,
        DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit, InvestmentMetrics metrics, HttpContext http,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var investment = (await session.QueryAsync(Investment.Find(caller.Tenant, id), Investment.Read, cancellationToken)).SingleOrDefault();
        if (investment is null || (!caller.ActsForTenant && investment.OwnerId != caller.Subject))
        {
            return Failure.NotFound("investment").ToProblem(http);
        }
        if (investment.Status != from)
        {
            return InvestmentFailures.InvalidTransition("investment", investment.Status, to).ToProblem(http);
        }
        var now = clock.Now();
        var jobId = jobs.Enqueue(caller.Tenant, jobType, new InvestmentJobPayload(id), caller.Subject);
        var executing = to == InvestmentStatuses.Executing;
        var moved = await session.ExecuteAsync(
            [Investment.Move(caller.Tenant, id, from, to, now, executeJobId: executing ? jobId : null, redeemJobId: executing ? null : jobId)],
            cancellationToken);
        if (moved[0] != 1)
        {
            // Another request moved it between our read and our update (it held the row until its commit).
            return InvestmentFailures.InvalidTransition("investment", from, to).ToProblem(http);
        }
        metrics.OnCommit(session, lifecycleEvent);
        audit.Record(caller.Tenant, $"investment.{lifecycleEvent}", "investment", id.ToString(), before: new { status = from }, after: new { status = to, jobId });
        var header = http.Request.Headers[IdempotencySettings.HeaderName].ToString();
        var key = header.Length > 0 ? header : request?.IdempotencyKey ?? "";
        return TypedResults.Accepted($"/api/v1/jobs/{jobId}", new QueuedWork(jobId, JobStatus.Queued, investment.Reference, key, message));
    }
}

/// <summary>The payload of the execute and redeem jobs: the investment, nothing else (the job reads its current state).</summary>
internal sealed record InvestmentJobPayload(Guid InvestmentId);
