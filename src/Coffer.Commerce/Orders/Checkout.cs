using System.Security.Claims;
using Coffer.Commerce.Inventory;
using Coffer.Commerce.Observability;
using Coffer.Commerce.Payments;
using Coffer.Ledger.Contracts;
using Coffer.Ledger.Money;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Commerce.Orders;

/// <summary>
/// <c>POST /api/v1/commerce/orders</c> (customers, with an Idempotency-Key): one transaction reserves every item — a conditional
/// UPDATE per variant, in variant order, that succeeds only while enough is available, so stock is never oversold nor negative —
/// prices the order from the database, takes the payment's first step and creates the order as <c>pending_payment</c>. A wallet
/// payment holds the total on the buyer's wallet and queues its capture; a card payment queues the opening of a payment intent
/// at the provider, which the provider's signed webhook later confirms. Any refusal rolls the whole transaction back: nothing
/// stays reserved. An order left unpaid past <c>Coffer:Commerce:ReservationSeconds</c> is cancelled and its stock released.
/// </summary>
internal static class Checkout
{
    public const int MaxItems = 50;
    public const int MaxQuantity = 1000;
    public const int MaxEmailLength = 254;

    public sealed record ItemRequest(Guid? VariantId, int? Quantity);

    public sealed record PaymentRequest(string? Method, Guid? AccountId);

    public sealed record Request(List<ItemRequest?>? Items, PaymentRequest? Payment, string? Currency = null, string? Email = null,
        string? IdempotencyKey = null);

    public static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, DbSession session, IMoneyMover money, JobQueue jobs, Tokenizer tokenizer, RecordClock clock,
        AuditTrail audit, CommerceSettings settings, CommerceMetrics metrics, IServiceProvider services, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var items = Items(errors, request.Items);
        var method = errors.RequiredText("payment.method", request.Payment?.Method, 16);
        if (method is not null && !Order.Methods.Contains(method))
        {
            errors.Add("payment.method", "wallet or card.");
        }
        Guid? accountId = null;
        if (method == Order.Wallet)
        {
            if (request.Payment!.AccountId is not { } id || id == Guid.Empty)
            {
                errors.Add("payment.accountId", "The wallet to pay from.");
            }
            accountId = request.Payment.AccountId;
        }
        string? currency = null;
        if (request.Currency is not null || method == Order.Card)
        {
            currency = errors.Currency("currency", request.Currency);
        }
        var email = errors.OptionalText("email", request.Email, MaxEmailLength);
        if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace)))
        {
            errors.Add("email", "An email address.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var refused = await PlaceAsync(caller, items, method!, accountId, currency, email, session, money, jobs, tokenizer, clock, audit,
            settings, metrics, services, cancellationToken);
        if (!refused.IsSuccess)
        {
            metrics.Checkout(method!, refused.Failure.Code switch
            {
                "out_of_stock" => "out_of_stock",
                "insufficient_funds" => "insufficient_funds",
                _ => "rejected",
            });
            return refused.Failure.ToProblem(http);
        }
        session.OnCommitted(() => metrics.Checkout(method!, "created"));
        metrics.OnCommit(session, OrderStatuses.PendingPayment);
        return TypedResults.Created($"/api/v1/commerce/orders/{refused.Value!.Id}", refused.Value);
    }

    private static async Task<Outcome<OrderResponse>> PlaceAsync(
        Caller caller, List<(Guid VariantId, int Quantity)> items, string method, Guid? accountId, string? currency, string? email,
        DbSession session, IMoneyMover money, JobQueue jobs, Tokenizer tokenizer, RecordClock clock, AuditTrail audit,
        CommerceSettings settings, CommerceMetrics metrics, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (method == Order.Card && services.GetService<IPaymentProvider>() is null)
        {
            return CommerceFailures.PaymentsNotConfigured();
        }
        if (method == Order.Wallet)
        {
            var wallet = await money.FindWalletAsync(caller.Tenant, accountId!.Value, cancellationToken);
            if (wallet is null || wallet.OwnerId != caller.Subject)
            {
                return Failure.NotFound("account").With("field", "payment.accountId");
            }
            if (currency is not null && currency != wallet.Currency)
            {
                return CommerceFailures.CurrencyMismatch(wallet.Currency, currency);
            }
            currency = wallet.Currency;
        }
        var pricing = (await CheckoutPricing.ReadAsync(session, caller.Tenant, items.Select(i => i.VariantId).ToList(), currency!, cancellationToken))
            .ToDictionary(p => p.VariantId);
        var unknown = items.Where(i => !pricing.ContainsKey(i.VariantId)).Select(i => i.VariantId).ToList();
        if (unknown.Count > 0)
        {
            return Failure.NotFound("variant").With("variantIds", unknown);
        }
        var notForSale = pricing.Values.Where(p => !p.OnSale).Select(p => p.Sku).Order(StringComparer.Ordinal).ToList();
        if (notForSale.Count > 0)
        {
            return CommerceFailures.NotForSale(notForSale);
        }
        var unpriced = pricing.Values.Where(p => p.UnitPriceMinor is null).Select(p => p.Sku).Order(StringComparer.Ordinal).ToList();
        if (unpriced.Count > 0)
        {
            return CommerceFailures.PriceUnavailable(unpriced, currency!);
        }
        var total = 0L;
        foreach (var (variantId, quantity) in items)
        {
            total += pricing[variantId].UnitPriceMinor!.Value * quantity;
            if (total > Money.MaxAmountMinor)
            {
                return Failure.Validation("items", $"The order's total exceeds the largest amount ({Money.MaxAmountMinor}).");
            }
        }

        var now = clock.Now();
        var order = new Order
        {
            Id = clock.NewId(now), TenantId = caller.Tenant, BuyerId = caller.Subject, Status = OrderStatuses.PendingPayment,
            Currency = currency!, TotalMinor = total, PaymentMethod = method, WalletId = accountId, StockStatus = Order.StockReserved,
            ReservedUntil = now + settings.ReservationTtl, CreatedAt = now, UpdatedAt = now,
        };
        // Reserve in variant order: two checkouts sharing variants lock them in the same order and never deadlock.
        var lines = items.Select((item, i) => new OrderLine
        {
            OrderId = order.Id, LineNo = i + 1, TenantId = caller.Tenant, VariantId = item.VariantId, Sku = pricing[item.VariantId].Sku,
            Quantity = item.Quantity, UnitPriceMinor = pricing[item.VariantId].UnitPriceMinor!.Value,
        }).ToList();
        foreach (var line in lines.OrderBy(l => l.VariantId))
        {
            var after = await session.QueryAsync(StockLevel.Reserve(caller.Tenant, line.VariantId, line.Quantity, now),
                r => (Available: r.GetInt64(0), Threshold: r.GetInt64(1)), cancellationToken);
            if (after is not [var stock])
            {
                var current = await session.QueryAsync(StockLevel.Find(caller.Tenant, line.VariantId), StockLevel.Read, cancellationToken);
                return CommerceFailures.OutOfStock(line.VariantId, line.Sku, line.Quantity, current is [var level] ? Math.Max(0, level.Available) : 0);
            }
            if (StockAlert.Crossed(stock.Available + line.Quantity, stock.Available, stock.Threshold))
            {
                StockAlert.Raise(session, jobs, clock, caller.Tenant, line.VariantId, line.Sku, stock.Available, stock.Threshold);
            }
        }
        if (method == Order.Wallet)
        {
            var held = await money.HoldAsync(caller.Tenant, new MoneyHold(accountId!.Value, OrderChanges.MerchantRevenue, total, order.Currency,
                settings.ReservationTtl + CommerceSettings.HoldMargin, order.HoldReference, $"Order {order.Id}"), cancellationToken);
            if (!held.IsSuccess)
            {
                return held.Failure.With("field", "payment.accountId");
            }
            order.HoldId = held.Value!.HoldId;
            jobs.Enqueue(caller.Tenant, CaptureWalletPaymentJob.JobType, new OrderJobPayload(order.Id), caller.Subject);
        }
        else
        {
            jobs.Enqueue(caller.Tenant, OpenCardPaymentJob.JobType, new OrderJobPayload(order.Id), caller.Subject);
        }
        if (email is not null)
        {
            order.ContactEmailToken = tokenizer.Tokenize(caller.Tenant, "email", email).Token;
        }
        session.Defer(Order.Insert(order));
        foreach (var line in lines)
        {
            session.Defer(OrderLine.Insert(line));
        }
        var response = OrderResponse.From(order, lines);
        audit.Record(caller.Tenant, "order.created", "commerce_order", order.Id.ToString(), null, response);
        audit.Record(caller.Tenant, "inventory.reserved", "commerce_order", order.Id.ToString(), null,
            new { lines = lines.Select(l => new { l.VariantId, l.Sku, l.Quantity }), reservedUntil = order.ReservedUntil });
        audit.Record(caller.Tenant, method == Order.Wallet ? "payment.held" : "payment.requested", "commerce_order", order.Id.ToString(), null,
            new { method, amount = total, currency = order.Currency, holdId = order.HoldId });
        return response;
    }

    private static List<(Guid VariantId, int Quantity)> Items(ValidationErrors errors, List<ItemRequest?>? requests)
    {
        if (requests is null || requests.Count is 0 or > MaxItems)
        {
            errors.Add("items", $"1 to {MaxItems} items.");
            return [];
        }
        var items = new List<(Guid, int)>();
        for (var i = 0; i < requests.Count; i++)
        {
            var item = requests[i];
            if (item?.VariantId is not { } variantId || variantId == Guid.Empty)
            {
                errors.Add($"items[{i}].variantId", "Required.");
                continue;
            }
            if (item.Quantity is not (>= 1 and <= MaxQuantity))
            {
                errors.Add($"items[{i}].quantity", $"1 to {MaxQuantity}.");
                continue;
            }
            items.Add((variantId, item.Quantity.Value));
        }
        if (items.Select(i => i.Item1).Distinct().Count() != items.Count)
        {
            errors.Add("items", "Each variant once (add up its quantity).");
        }
        return items;
    }
}
