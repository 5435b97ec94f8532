using System.Security.Claims;
using Coffer.Commerce.Payments;
using Coffer.Platform.Identity;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Commerce.Orders;

/// <summary>
/// <c>POST /api/v1/commerce/orders/{id}/refunds</c> <c>{amount?, reason}</c> (staff): refunds part or all (no amount: what is
/// left) of a delivered order. A wallet refund is posted at once (merchant revenue → wallet) and answered <c>succeeded</c>; a card
/// refund is <c>pending</c> until the provider answers. Refunds never add up to more than was paid (422
/// <c>refund_exceeds_paid</c>); an order not delivered answers 409 <c>invalid_transition</c> (cancel it instead, before shipping).
/// </summary>
internal static class RefundOrder
{
    public sealed record Request(long? Amount, string? Reason, string? IdempotencyKey = null);

    public sealed record Response(RefundResponse Refund, OrderResponse Order);

    public static async Task<Results<Created<Response>, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal user, OrderChanges changes, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.Amount is <= 0)
        {
            errors.Add("amount", "A positive amount in minor units, or none to refund what is left.");
        }
        var reason = errors.RequiredText("reason", request.Reason, Refund.MaxReasonLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var order = await changes.LockAsync(caller.Tenant, id, cancellationToken);
        if (order is null)
        {
            return Failure.NotFound("order").ToProblem(http);
        }
        var outcome = await changes.RefundDeliveredAsync(order, request.Amount, reason!, caller.Subject, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return outcome.Failure!.ToProblem(http);
        }
        var (changed, refund) = outcome.Value;
        return TypedResults.Created($"/api/v1/commerce/orders/{id}", new Response(RefundResponse.From(refund), OrderResponse.From(changed, null)));
    }
}
