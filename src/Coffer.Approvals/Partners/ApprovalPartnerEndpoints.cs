using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
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

namespace Coffer.Approvals.Partners;

/// <summary>/api/v1/approvals/partners (admins only): who may sign the tenant's approvals.</summary>
internal static class ApprovalPartnerEndpoints
{
    public sealed record CreateRequest(string? Subject, string? DisplayName);

    public sealed record StatusRequest(string? Status);

    public static void MapApprovalPartnerEndpoints(this RouteGroupBuilder api)
    {
        var partners = api.MapGroup("/partners").WithTags("Approval partners").RequireRoles(Roles.Admin);
        partners.MapPost("/", Create).RequireIdempotency().RequireRateLimit(ApprovalRateLimits.Admin)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Register a signer: the JWT subject of a caller with role 'partner'");
        partners.MapGet("/", List).WithSummary("The tenant's approval partners");
        partners.MapGet("/{id:guid}", Get).WithSummary("One approval partner");
        partners.MapPost("/{id:guid}/status", SetStatus).RequireIdempotency().RequireRateLimit(ApprovalRateLimits.Admin)
            .WithSummary("Suspend or reactivate an approval partner: a suspended partner neither signs nor rejects");
    }

    private static async Task<Results<Created<ApprovalPartnerResponse>, ProblemHttpResult>> Create(
        CreateRequest request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var subject = errors.RequiredText("subject", request.Subject, 255);
        var displayName = errors.RequiredText("displayName", request.DisplayName, 100);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var now = clock.Now();
        var partner = new ApprovalPartner
        {
            Id = clock.NewId(now),
            TenantId = caller.Tenant,
            Subject = subject!,
            DisplayName = displayName!,
            Status = ApprovalPartnerStatuses.Active,
            CreatedBy = caller.Subject,
            CreatedAt = now,
            UpdatedAt = now,
        };
        // The unique (tenant, subject) decides between two registrations of one subject: the second inserts nothing.
        if ((await session.ExecuteAsync([ApprovalPartner.Insert(partner)], cancellationToken))[0] == 0)
        {
            return ApprovalFailures.PartnerExists(partner.Subject).ToProblem(http);
        }
        var response = ApprovalPartnerResponse.From(partner);
        audit.Record(caller.Tenant, "approval_partner.created", "approval_partner", partner.Id.ToString(), before: null, after: response);
        return TypedResults.Created($"/api/v1/approvals/partners/{partner.Id}", response);
    }

    private static async Task<Results<Ok<Page<ApprovalPartnerResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<ApprovalPartnerResponse>.SizeOf(errors, limit);
        var after = Cursor.Read(errors, cursor);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await session.QueryAsync(ApprovalPartner.Page(Caller.From(user).Tenant, after, size + 1), ApprovalPartner.Read, cancellationToken);
        return TypedResults.Ok(Page<ApprovalPartnerResponse>.From(rows, size, ApprovalPartnerResponse.From, p => p.Id));
    }

    private static async Task<Results<Ok<ApprovalPartnerResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var partner = (await session.QueryAsync(ApprovalPartner.Find(Caller.From(user).Tenant, id), ApprovalPartner.Read, cancellationToken))
            .SingleOrDefault();
        return partner is null ? Failure.NotFound("approval partner").ToProblem(http) : TypedResults.Ok(ApprovalPartnerResponse.From(partner));
    }

    private static async Task<Results<Ok<ApprovalPartnerResponse>, ProblemHttpResult>> SetStatus(
        Guid id, StatusRequest request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (request.Status is not (ApprovalPartnerStatuses.Active or ApprovalPartnerStatuses.Suspended))
        {
            return Failure.Validation("status", "One of: active, suspended.").ToProblem(http);
        }
        var caller = Caller.From(user);
        var partner = (await session.QueryAsync(ApprovalPartner.Find(caller.Tenant, id, session.Provider), ApprovalPartner.Read, cancellationToken))
            .SingleOrDefault();
        if (partner is null)
        {
            return Failure.NotFound("approval partner").ToProblem(http);
        }
        var before = ApprovalPartnerResponse.From(partner);
        var now = clock.Now();
        session.Defer(ApprovalPartner.SetStatus(partner, request.Status, now));
        (partner.Status, partner.UpdatedAt) = (request.Status, now);
        var after = ApprovalPartnerResponse.From(partner);
        audit.Record(caller.Tenant, $"approval_partner.{request.Status}", "approval_partner", id.ToString(), before, after);
        return TypedResults.Ok(after);
    }
}
