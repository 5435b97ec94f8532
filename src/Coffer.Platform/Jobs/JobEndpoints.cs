using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Identity;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.Jobs;

/// <summary>
/// <c>GET /api/v1/jobs/{id}</c> for the job's owner (and the tenant's operators, admins and services), and the operators'
/// dead-letter tools under <c>/api/v1/admin/jobs</c>: list, replay, discard (audited). Another tenant's job is 404.
/// </summary>
internal static class JobEndpoints
{
    /// <summary>Why an operator replays or discards a job: recorded in the audit event. Required to discard.</summary>
    public sealed record JobActionRequest(string? Reason = null);

    public const int MaxReasonLength = 500;

    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/jobs/{id:guid}", Get)
            .WithTags("Jobs")
            .RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Partner, Roles.Service)
            .RequireRateLimit(RateLimitSettings.Reads)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A job's state: status, attempts, next run, last error and result");

        var admin = app.MapGroup("/api/v1/admin/jobs").WithTags("Jobs").RequireRoles(Roles.Operator, Roles.Admin)
            .RequireRateLimit(RateLimitSettings.Admin);
        admin.MapGet("/", List).ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The tenant's jobs, newest first; ?status=dead lists the dead-letter queue");
        admin.MapPost("/{id:guid}/replay", Replay).RequireIdempotency().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Queue a dead (or discarded) job again with a fresh set of attempts (`reason` optional); audited");
        admin.MapPost("/{id:guid}/discard", Discard).RequireIdempotency().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Take a dead job out of the dead-letter queue without running it (`reason` required); audited");
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var job = (await session.QueryAsync(JobStore.Find(id), Job.Read, cancellationToken)).SingleOrDefault();
        var visible = job is not null && job.TenantId == caller.Tenant && (caller.ActsForTenant || job.OwnerSubject == caller.Subject);
        return visible ? TypedResults.Ok(JobResponse.From(job!)) : Failure.NotFound("job").ToProblem(http);
    }

    private static async Task<Results<Ok<Page<JobResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        string? status = null, string? type = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<JobResponse>.SizeOf(errors, limit);
        if (!Cursor.TryDecode(cursor, out var before))
        {
            errors.Add("cursor", "Not a cursor this API returned.");
        }
        if (status is not null && !JobStatus.All.Contains(status))
        {
            errors.Add("status", $"One of {string.Join(", ", JobStatus.All)}.");
        }
        errors.OptionalText("type", type, 64);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await session.QueryAsync(JobStore.List(Caller.From(user).Tenant, status, type, before, size + 1), Job.Read, cancellationToken);
        return TypedResults.Ok(Page<JobResponse>.From(rows, size, JobResponse.From, j => j.Id));
    }

    private static Task<Results<Ok<JobResponse>, ProblemHttpResult>> Replay(
        Guid id, JobActionRequest request, ClaimsPrincipal user, DbSession session, AuditTrail audit, RecordClock clock, JobSignal signal,
        HttpContext http, CancellationToken cancellationToken) =>
        ChangeAsync(id, request, reasonRequired: false, user, session, audit, http, "job.replayed", JobStatus.ReplayableFrom,
            job => JobStore.Replay(job.Id, clock.Now()),
            job => job with { Status = JobStatus.Queued, Attempts = 0, NextRunAt = clock.Now(), FinishedAt = null },
            signal.Notify, cancellationToken);

    private static Task<Results<Ok<JobResponse>, ProblemHttpResult>> Discard(
        Guid id, JobActionRequest request, ClaimsPrincipal user, DbSession session, AuditTrail audit, RecordClock clock, HttpContext http,
        CancellationToken cancellationToken) =>
        ChangeAsync(id, request, reasonRequired: true, user, session, audit, http, "job.discarded", JobStatus.DiscardableFrom,
            job => JobStore.Discard(job.Id, clock.Now()),
            job => job with { Status = JobStatus.Discarded },
            () => { }, cancellationToken);

    /// <summary>
    /// Runs inside the idempotency filter's transaction: locks the job, checks the state it must be in (else 409
    /// <c>invalid_transition</c>), changes it and audits before and after.
    /// </summary>
    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> ChangeAsync(
        Guid id, JobActionRequest request, bool reasonRequired, ClaimsPrincipal user, DbSession session, AuditTrail audit, HttpContext http,
        string action, IReadOnlyList<string> from, Func<Job, SqlStatement> change, Func<Job, Job> after, Action onCommitted, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var reason = reasonRequired
            ? errors.RequiredText("reason", request.Reason, MaxReasonLength)
            : errors.OptionalText("reason", request.Reason, MaxReasonLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var job = (await session.QueryAsync(JobStore.FindForUpdate(session.Provider, id), Job.Read, cancellationToken)).SingleOrDefault();
        if (job is null || job.TenantId != caller.Tenant)
        {
            return Failure.NotFound("job").ToProblem(http);
        }
        if (!from.Contains(job.Status))
        {
            return new Failure(409, "invalid_transition", "Invalid transition",
                    $"A {job.Status} job cannot be {action[4..]}; only {string.Join(" or ", from)} jobs can.")
                .With("status", job.Status).ToProblem(http);
        }
        session.Defer(change(job));
        var changed = after(job);
        audit.Record(caller.Tenant, action, "job", job.Id.ToString(), JobResponse.From(job), new { job = JobResponse.From(changed), reason });
        session.OnCommitted(onCommitted);
        return TypedResults.Ok(JobResponse.From(changed));
    }
}
