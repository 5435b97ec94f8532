using System.Security.Claims;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Commerce.Inventory;

internal static class InventoryEndpoints
{
    private static readonly string[] Staff = [Roles.Operator, Roles.Admin];

    public static void MapInventoryEndpoints(this RouteGroupBuilder api)
    {
        var inventory = api.MapGroup("/inventory").WithTags("Commerce inventory");
        inventory.MapGet("/alerts", Alerts).RequireRoles(Staff).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("Low-stock alerts, newest first (?status=pending|sent|skipped)");
        inventory.MapGet("/low", Low).RequireRoles(Staff).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("Variants whose available stock is at or below their low-stock threshold, fewest available first");
        inventory.MapGet("/{id:guid}", Get).RequireRoles(Staff).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("A variant's stock: on hand, reserved by unpaid orders, available, low-stock threshold");
        inventory.MapPost("/{id:guid}/adjustments", AdjustStock.Adjust).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Correct a variant's on-hand count by a delta with a reason (never below what is reserved), audited");
        inventory.MapPut("/{id:guid}/threshold", AdjustStock.SetThreshold).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("Set a variant's low-stock threshold, audited");
    }

    private static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(StockLevel.Find(Caller.From(user).Tenant, id), StockLevel.Read, cancellationToken);
        return rows is [var stock] ? TypedResults.Ok(StockResponse.From(stock)) : Failure.NotFound("variant").ToProblem(http);
    }

    private static async Task<Ok<IReadOnlyList<StockResponse>>> Low(
        ClaimsPrincipal user, DbSession session, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(StockLevel.Low(Caller.From(user).Tenant, Page<StockResponse>.MaxSize), StockLevel.Read, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<StockResponse>>(rows.Select(StockResponse.From).ToList());
    }

    private static async Task<Results<Ok<Page<StockAlertResponse>>, ProblemHttpResult>> Alerts(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        string? status = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<StockAlertResponse>.SizeOf(errors, limit);
        if (status is not null && !StockAlert.Statuses.Contains(status))
        {
            errors.Add("status", $"One of {string.Join(", ", StockAlert.Statuses)}.");
        }
        var before = Cursor.Read(errors, cursor);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await session.QueryAsync(StockAlert.Page(Caller.From(user).Tenant, status, before, size + 1), StockAlert.Read, cancellationToken);
        return TypedResults.Ok(Page<StockAlertResponse>.From(rows, size, StockAlertResponse.From, a => a.Id));
    }
}
