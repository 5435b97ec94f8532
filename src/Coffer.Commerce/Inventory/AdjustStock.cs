using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Commerce.Inventory;

/// <summary>
/// Administrators' stock changes, each under the variant's row lock and audited with the stock before and after:
/// <c>POST …/inventory/{id}/adjustments</c> (a count correction: goods received, damaged, found) and
/// <c>PUT …/inventory/{id}/threshold</c> (the low-stock threshold). An adjustment never takes on-hand stock below
/// what unpaid orders have reserved (409 <c>insufficient_stock</c>); one that takes available stock to the threshold raises
/// a stock alert, as a checkout would.
/// </summary>
internal static class AdjustStock
{
    public const long MaxQuantity = 1_000_000_000;
    public const int MaxReasonLength = 500;

    public sealed record AdjustmentRequest(long? Delta, string? Reason, string? IdempotencyKey = null);

    public sealed record ThresholdRequest(long? LowStockThreshold, string? IdempotencyKey = null);

    public static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> Adjust(
        Guid id, AdjustmentRequest request, ClaimsPrincipal user, DbSession session, JobQueue jobs, RecordClock clock,
        AuditTrail audit, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var delta = errors.Required("delta", request.Delta) ?? 0;
        if (request.Delta is not null && (delta == 0 || Math.Abs(delta) > MaxQuantity))
        {
            errors.Add("delta", $"A non-zero number of units, at most {MaxQuantity} either way.");
        }
        var reason = errors.RequiredText("reason", request.Reason, MaxReasonLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var variantId = id;
        var before = await LockAsync(session, caller.Tenant, variantId, cancellationToken);
        if (before is null)
        {
            return Failure.NotFound("variant").ToProblem(http);
        }
        if (before.OnHand + delta < before.Reserved || before.OnHand + delta > MaxQuantity)
        {
            return CommerceFailures.InsufficientStock(variantId, before.Available).ToProblem(http);
        }
        var now = clock.Now();
        await session.ExecuteAsync([StockLevel.Adjust(caller.Tenant, variantId, delta, now)], cancellationToken);
        var after = await LockAsync(session, caller.Tenant, variantId, cancellationToken) ?? throw new InvalidOperationException("Stock vanished.");
        if (StockAlert.Crossed(before.Available, after.Available, after.LowStockThreshold))
        {
            StockAlert.Raise(session, jobs, clock, caller.Tenant, variantId, after.Sku, after.Available, after.LowStockThreshold);
        }
        audit.Record(caller.Tenant, "inventory.adjusted", "commerce_inventory", variantId.ToString(),
            StockResponse.From(before), new { stock = StockResponse.From(after), delta, reason });
        return TypedResults.Ok(StockResponse.From(after));
    }

    public static async Task<Results<Ok<StockResponse>, ProblemHttpResult>> SetThreshold(
        Guid id, ThresholdRequest request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var threshold = errors.Required("lowStockThreshold", request.LowStockThreshold) ?? 0;
        if (threshold is < 0 or > MaxQuantity)
        {
            errors.Add("lowStockThreshold", $"0 to {MaxQuantity} units.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var variantId = id;
        var before = await LockAsync(session, caller.Tenant, variantId, cancellationToken);
        if (before is null)
        {
            return Failure.NotFound("variant").ToProblem(http);
        }
        await session.ExecuteAsync([StockLevel.SetThreshold(caller.Tenant, variantId, threshold, clock.Now())], cancellationToken);
        var after = await LockAsync(session, caller.Tenant, variantId, cancellationToken) ?? throw new InvalidOperationException("Stock vanished.");
        audit.Record(caller.Tenant, "inventory.threshold_set", "commerce_inventory", variantId.ToString(),
            StockResponse.From(before), StockResponse.From(after));
        return TypedResults.Ok(StockResponse.From(after));
    }

    private static async Task<StockLevel?> LockAsync(DbSession session, string tenantId, Guid variantId, CancellationToken cancellationToken) =>
        (await session.QueryAsync(StockLevel.Find(tenantId, variantId, session.Provider), StockLevel.Read, cancellationToken)).SingleOrDefault();
}
