using System.Security.Claims;
using Coffer.Platform.Identity;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Commerce.Orders;

/// <summary>
/// <c>POST /api/v1/commerce/orders/{id}/transitions</c> <c>{status, trackingNumber?}</c>: staff move an order along
/// (<c>fulfilled</c>, <c>shipped</c>, <c>delivered</c>) or cancel it before it ships; a buyer may cancel their own order while
/// it is unpaid or paid. Every move not in <see cref="OrderStatuses"/>' table — and every status the payment or the refunds set
/// (<c>pending_payment</c>, <c>paid</c>, <c>refunded</c>) — answers 409 <c>invalid_transition</c> with <c>from</c> and <c>to</c>.
/// </summary>
internal static class ChangeOrderStatus
{
    public const int MaxTrackingNumberLength = 100;

    public sealed record Request(string? Status, string? TrackingNumber = null, string? IdempotencyKey = null);

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal user, OrderChanges changes, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var to = errors.RequiredText("status", request.Status, 32);
        if (to is not null && !OrderStatuses.All.Contains(to))
        {
            errors.Add("status", $"One of {string.Join(", ", OrderStatuses.All)}.");
        }
        var tracking = errors.OptionalText("trackingNumber", request.TrackingNumber, MaxTrackingNumberLength);
        if (tracking is not null && to != OrderStatuses.Shipped)
        {
            errors.Add("trackingNumber", "Given when the order is shipped.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var order = await changes.LockAsync(caller.Tenant, id, cancellationToken);
        if (order is null || (!caller.ActsForTenant && order.BuyerId != caller.Subject))
        {
            return Failure.NotFound("order").ToProblem(http);
        }
        // A buyer's cancel of an order already cancelled goes on to the state machine's 409: a stored answer, so the buyer's
        // retry of a cancel whose response was lost replays its 200 instead of meeting a 403 the first attempt never had.
        if (!caller.ActsForTenant
            && !(to == OrderStatuses.Cancelled && order.Status is OrderStatuses.PendingPayment or OrderStatuses.Paid or OrderStatuses.Cancelled))
        {
            return new Failure(403, "forbidden", "Staff only",
                "A buyer may cancel their order while it is unpaid or paid; every other move is made by staff.").ToProblem(http);
        }
        var outcome = to == OrderStatuses.Cancelled
            ? await changes.CancelAsync(order, caller.ActsForTenant ? Order.CancelledByStaff : Order.CancelledByCustomer, caller.Subject,
                cancellationToken)
            : changes.Move(order, to!, tracking);
        if (!outcome.IsSuccess)
        {
            return outcome.Failure!.ToProblem(http);
        }
        var lines = await changes.LinesAsync(outcome.Value!, cancellationToken);
        return TypedResults.Ok(OrderResponse.From(outcome.Value!, lines));
    }
}
