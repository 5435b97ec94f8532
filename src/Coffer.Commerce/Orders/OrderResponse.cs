using Coffer.Commerce.Payments;

namespace Coffer.Commerce.Orders;

/// <summary>An order as the API shows it; lines and refunds when they were read (a list shows neither).</summary>
public sealed record OrderResponse(
    Guid Id, string BuyerId, string Status, string Currency, long Total, long Refunded, long RefundPending, OrderPaymentResponse Payment,
    string StockStatus, DateTimeOffset ReservedUntil, string? CancelReason, string? TrackingNumber, string? ReceiptKey, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PaidAt, IReadOnlyList<OrderLineResponse>? Lines,
    IReadOnlyList<RefundResponse>? Refunds = null)
{
    internal static OrderResponse From(Order o, IReadOnlyList<OrderLine>? lines, IReadOnlyList<Refund>? refunds = null) => new(
        o.Id, o.BuyerId, o.Status, o.Currency, o.TotalMinor, o.RefundedMinor, o.RefundPendingMinor,
        new OrderPaymentResponse(o.PaymentMethod, o.WalletId, o.HoldId, o.PaymentReference, PaymentStatusOf(o)),
        o.StockStatus, o.ReservedUntil, o.CancelReason, o.TrackingNumber, o.ReceiptKey, o.Version, o.CreatedAt, o.UpdatedAt, o.PaidAt,
        lines?.Select(l => new OrderLineResponse(l.VariantId, l.Sku, l.Quantity, l.UnitPriceMinor, l.TotalMinor)).ToList(),
        refunds?.Select(RefundResponse.From).ToList());

    /// <summary>
    /// Where the money is: <c>held</c> (wallet, awaiting capture), <c>opening</c> (card intent being opened), <c>awaiting_payment</c>
    /// (card, intent open), <c>paid</c>, <c>voided</c> (ended unpaid), <c>refunded</c> / <c>partially_refunded</c>.
    /// </summary>
    internal static string PaymentStatusOf(Order o) => o switch
    {
        { PaidAt: null, Status: OrderStatuses.PendingPayment, PaymentMethod: Order.Wallet } => "held",
        { PaidAt: null, Status: OrderStatuses.PendingPayment, PaymentReference: null } => "opening",
        { PaidAt: null, Status: OrderStatuses.PendingPayment } => "awaiting_payment",
        { PaidAt: null } => "voided",
        _ when o.RefundedMinor == o.TotalMinor => "refunded",
        _ when o.RefundedMinor > 0 => "partially_refunded",
        _ => "paid",
    };
}

/// <param name="Method"><c>wallet</c> or <c>card</c>.</param>
/// <param name="AccountId">The wallet paid from (wallet orders).</param>
/// <param name="HoldId">The ledger hold on the wallet (wallet orders).</param>
/// <param name="Reference">The payment provider's intent id (card orders, once opened).</param>
public sealed record OrderPaymentResponse(string Method, Guid? AccountId, Guid? HoldId, string? Reference, string Status);

public sealed record OrderLineResponse(Guid VariantId, string Sku, int Quantity, long UnitPrice, long Total);

/// <summary>A refund as the API shows it.</summary>
public sealed record RefundResponse(
    Guid Id, Guid OrderId, long Amount, string Currency, string Method, string Status, string Reason, Guid? TransferId,
    string? ProviderReference, string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    internal static RefundResponse From(Refund f) => new(
        f.Id, f.OrderId, f.AmountMinor, f.Currency, f.Method, f.Status, f.Reason, f.TransferId, f.ProviderReference, f.RequestedBy,
        f.CreatedAt, f.CompletedAt);
}
