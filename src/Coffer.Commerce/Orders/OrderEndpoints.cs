using System.Security.Claims;
using Coffer.Commerce.Payments;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Protection;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Commerce.Orders;

internal static class OrderEndpoints
{
    private static readonly string[] Staff = [Roles.Operator, Roles.Admin];
    private static readonly string[] Everyone = [Roles.Customer, Roles.Operator, Roles.Admin];

    public sealed record CardPaymentResponse(Guid OrderId, string PaymentReference, string ClientSecret, long Amount, string Currency);

    public static void MapOrderEndpoints(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Commerce orders");
        orders.MapPost("/", Checkout.Handle).RequireRoles(Roles.Customer)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Check out: reserve every item atomically and create the order as pending_payment, paid by wallet (a hold, then captured) or card (a provider intent)");
        orders.MapGet("/", List).RequireRoles(Everyone).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("Orders newest first (customers: their own), ?status=&limit=&cursor=");
        orders.MapGet("/{id:guid}", Get).RequireRoles(Everyone).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("One order with its lines and refunds (customers: their own)");
        orders.MapGet("/{id:guid}/card-payment", CardPayment).RequireRoles(Roles.Customer).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The buyer's client secret of an unpaid card order's payment intent, to complete the payment with the provider");
        orders.MapPost("/{id:guid}/transitions", ChangeOrderStatus.Handle).RequireRoles(Everyone)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Move an order: fulfilled, shipped, delivered (staff) or cancelled before shipping (staff; the buyer while unpaid or paid); illegal moves are 409 invalid_transition");
        orders.MapPost("/{id:guid}/refunds", RefundOrder.Handle).RequireRoles(Staff)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Refund part or all of a delivered order (wallet: at once; card: through the provider)");
    }

    private static async Task<Results<Ok<Page<OrderResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        string? status = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<OrderResponse>.SizeOf(errors, limit);
        if (status is not null && !OrderStatuses.All.Contains(status))
        {
            errors.Add("status", $"One of {string.Join(", ", OrderStatuses.All)}.");
        }
        var before = Cursor.Read(errors, cursor);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var rows = await session.QueryAsync(Order.Page(caller.Tenant, caller.ActsForTenant ? null : caller.Subject, status, before, size + 1),
            Order.Read, cancellationToken);
        return TypedResults.Ok(Page<OrderResponse>.From(rows, size, o => OrderResponse.From(o, null), o => o.Id));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var order = await FindVisibleAsync(session, caller, id, cancellationToken);
        if (order is null)
        {
            return Failure.NotFound("order").ToProblem(http);
        }
        var lines = await session.QueryAsync(OrderLine.Of(caller.Tenant, [id], session.Provider), OrderLine.Read, cancellationToken);
        var refunds = await session.QueryAsync(Refund.OfOrder(caller.Tenant, id), Refund.Read, cancellationToken);
        http.Response.Headers.ETag = $"\"{order.Version}\"";
        return TypedResults.Ok(OrderResponse.From(order, lines, refunds));
    }

    /// <summary>Detokenizing the secret is audited (<c>token.detokenized</c>); it is offered only while the order awaits payment.</summary>
    private static async Task<Results<Ok<CardPaymentResponse>, ProblemHttpResult>> CardPayment(
        Guid id, ClaimsPrincipal user, DbSession session, Tokenizer tokenizer, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var order = await FindVisibleAsync(session, caller, id, cancellationToken);
        if (order is null || order.PaymentMethod != Order.Card)
        {
            return Failure.NotFound("order").ToProblem(http);
        }
        var status = OrderResponse.PaymentStatusOf(order);
        if (status != "awaiting_payment" || order.ClientSecretToken is null)
        {
            return CommerceFailures.PaymentNotReady(status).ToProblem(http);
        }
        var secret = await tokenizer.DetokenizeAsync(caller.Tenant, order.ClientSecretToken, "card payment of an order", cancellationToken)
            ?? throw new InvalidOperationException($"The client secret of order {order.Id} is missing from the vault.");
        return TypedResults.Ok(new CardPaymentResponse(order.Id, order.PaymentReference!, secret, order.TotalMinor, order.Currency));
    }

    private static async Task<Order?> FindVisibleAsync(DbSession session, Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(Order.Find(caller.Tenant, id), Order.Read, cancellationToken);
        return rows is [var order] && (caller.ActsForTenant || order.BuyerId == caller.Subject) ? order : null;
    }
}
