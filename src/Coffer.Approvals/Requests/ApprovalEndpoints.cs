using System.Security.Claims;
using Coffer.Platform.Approvals;
using Coffer.Platform.Identity;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Approvals.Requests;

/// <summary>
/// GET /api/v1/approvals and /{id}: admins, operators and partners read every approval of their tenant; any other caller
/// (a customer who asked for a large withdrawal) only the ones it requested — another's is answered 404.
/// </summary>
internal static class ApprovalEndpoints
{
    public static void MapApprovalReadEndpoints(this RouteGroupBuilder api)
    {
        var approvals = api.MapGroup("/").WithTags("Approvals")
            .RequireRoles(Roles.Admin, Roles.Operator, Roles.Partner, Roles.Customer);
        approvals.MapGet("/", List).WithSummary("Approvals, newest first, filtered by status and operation");
        approvals.MapGet("/{id:guid}", Get).WithSummary("One approval with its signatures");
    }

    /// <summary>Whether <paramref name="caller"/> reads every approval of its tenant, or only its own.</summary>
    public static bool ReadsAll(Caller caller) =>
        caller.IsInRole(Roles.Admin) || caller.IsInRole(Roles.Operator) || caller.IsInRole(Roles.Partner);

    private static async Task<Results<Ok<Page<ApprovalResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken, string? status = null,
        string? operation = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<ApprovalResponse>.SizeOf(errors, limit);
        if (!Cursor.TryDecode(cursor, out var before))
        {
            errors.Add("cursor", "Not a cursor from this list.");
        }
        if (status is not null && !ApprovalStatuses.All.Contains(status))
        {
            errors.Add("status", $"One of: {string.Join(", ", ApprovalStatuses.All)}.");
        }
        if (operation is not null && !ApprovalOperations.All.Contains(operation))
        {
            errors.Add("operation", $"One of: {string.Join(", ", ApprovalOperations.All.Order(StringComparer.Ordinal))}.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var rows = await session.QueryAsync(
            ApprovalRequest.Page(caller.Tenant, status, operation, ReadsAll(caller) ? null : caller.Subject, before, size + 1),
            ApprovalRequest.Read, cancellationToken);
        // A list shows no signatures (null; the detail has them): one query per page, not one per row.
        return TypedResults.Ok(Page<ApprovalResponse>.From(rows, size, a => ApprovalResponse.From(a, null), a => a.Id));
    }

    private static async Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var approval = (await session.QueryAsync(ApprovalRequest.Find(caller.Tenant, id), ApprovalRequest.Read, cancellationToken))
            .SingleOrDefault();
        if (approval is null || (!ReadsAll(caller) && approval.RequestedBy != caller.Subject))
        {
            return Failure.NotFound("approval").ToProblem(http);
        }
        var signatures = await session.QueryAsync(ApprovalSignature.Of(caller.Tenant, id), ApprovalSignature.Read, cancellationToken);
        return TypedResults.Ok(ApprovalResponse.From(approval, signatures));
    }
}
