using Coffer.Platform.Results;

namespace Coffer.Commerce;

/// <summary>The commerce module's expected failures and their stable codes (docs/commerce.md lists them).</summary>
internal static class CommerceFailures
{
    public static Failure SkuTaken(IReadOnlyList<string> skus) =>
        new Failure(409, "sku_taken", "SKU already in use", "Another variant of this tenant has that SKU; SKUs are unique per tenant.")
            .With("skus", skus);

    public static Failure InvalidTransition(string resource, string from, string to) =>
        new Failure(409, "invalid_transition", "Invalid state transition", $"The {resource} is {from}; it cannot become {to}.")
            .With("status", from).With("from", from).With("to", to);

    public static Failure OutOfStock(Guid variantId, string sku, long requested, long available) =>
        new Failure(409, "out_of_stock", "Out of stock", $"Only {available} of {sku} are available; {requested} were asked for. Nothing was reserved.")
            .With("variantId", variantId).With("requested", requested).With("available", available);

    public static Failure InsufficientStock(Guid variantId, long available) =>
        new Failure(409, "insufficient_stock", "Not enough stock",
            "On-hand stock cannot fall below what unpaid orders have reserved.").With("variantId", variantId).With("available", available);

    public static Failure PriceUnavailable(IReadOnlyList<string> skus, string currency) =>
        new Failure(422, "price_unavailable", "No price in this currency", $"These variants have no {currency} price: {string.Join(", ", skus)}.")
            .With("skus", skus).With("currency", currency);

    public static Failure NotForSale(IReadOnlyList<string> skus) =>
        new Failure(422, "not_for_sale", "Not for sale", "These variants belong to products that are not active.").With("skus", skus);

    public static Failure RefundExceedsPaid(long refundable) =>
        new Failure(422, "refund_exceeds_paid", "Refund exceeds what was paid", $"At most {refundable} can still be refunded.")
            .With("refundable", refundable);

    public static Failure PaymentsNotConfigured() =>
        new(503, "payments_not_configured", "Card payments are not configured",
            "No payment provider is configured (Coffer:Providers:Payments:BaseUrl); pay from a wallet.");

    public static Failure PaymentNotReady(string paymentStatus) =>
        new Failure(409, "payment_not_ready", "No payment to complete", $"The order's card payment is {paymentStatus}.")
            .With("paymentStatus", paymentStatus);

    public static Failure CurrencyMismatch(string walletCurrency, string requested) =>
        new Failure(422, "currency_mismatch", "Currency mismatch", $"The wallet holds {walletCurrency}, not {requested}.")
            .With("field", "currency");
}
