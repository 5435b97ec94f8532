namespace Coffer.Commerce.Orders;

/// <summary>The mails an order's buyer gets (when the checkout gave a contact email): one per kind and order.</summary>
internal static class OrderEmail
{
    public const string Paid = "paid";
    public const string Shipped = "shipped";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";

    public static (string Subject, string Body) Compose(Order order, string kind) => kind switch
    {
        Paid => ($"Order {order.Id} confirmed", $"We received your payment of {Amount(order.TotalMinor, order.Currency)}."),
        Shipped => ($"Order {order.Id} shipped", order.TrackingNumber is null ? "Your order is on its way." : $"Your order is on its way: tracking {order.TrackingNumber}."),
        Cancelled => ($"Order {order.Id} cancelled", order.PaidAt is null ? "Your order was cancelled; nothing was charged." : "Your order was cancelled; your payment is refunded in full."),
        Refunded => ($"Refund for order {order.Id}", $"{Amount(order.RefundedMinor + order.RefundPendingMinor, order.Currency)} of your payment is refunded."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an order email."),
    };

    private static string Amount(long minor, string currency) => $"{minor} (minor units) {currency}";
}
