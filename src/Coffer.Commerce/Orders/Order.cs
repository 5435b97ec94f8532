using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Commerce.Orders;

/// <summary>
/// A customer's order (<c>commerce_orders</c>) with its lines (<see cref="OrderLine"/>). Priced from the database at checkout
/// in one currency. Its stock is <c>reserved</c> until paid (then <c>committed</c>), <c>released</c> when an unpaid order ends,
/// <c>restocked</c> when a paid one is cancelled. Money: a wallet order holds the buyer's funds (<see cref="HoldId"/>) and
/// captures them to the tenant's merchant revenue account when confirmed; a card order is paid through the payment provider's
/// intent (<see cref="PaymentReference"/>). <see cref="RefundedMinor"/> is what refunds have returned, <see cref="RefundPendingMinor"/>
/// what card refunds still in flight will; their sum never exceeds the total.
/// </summary>
internal sealed class Order
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string BuyerId { get; set; }
    public required string Status { get; set; }
    public required string Currency { get; set; }
    public long TotalMinor { get; set; }
    public long RefundedMinor { get; set; }
    public long RefundPendingMinor { get; set; }
    public required string PaymentMethod { get; set; }
    public Guid? WalletId { get; set; }
    public Guid? HoldId { get; set; }
    public string? PaymentReference { get; set; }
    public string? ClientSecretToken { get; set; }
    public string? ContactEmailToken { get; set; }
    public required string StockStatus { get; set; }
    public DateTimeOffset ReservedUntil { get; set; }
    public string? CancelReason { get; set; }
    public string? TrackingNumber { get; set; }
    public string? ShipmentReference { get; set; }
    public string? ReceiptKey { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }

    public const string Wallet = "wallet";
    public const string Card = "card";
    public static readonly IReadOnlyList<string> Methods = [Wallet, Card];

    public const string StockReserved = "reserved";
    public const string StockCommitted = "committed";
    public const string StockReleased = "released";
    public const string StockRestocked = "restocked";
    public static readonly IReadOnlyList<string> StockStatuses = [StockReserved, StockCommitted, StockReleased, StockRestocked];

    /// <summary>Why an order was cancelled.</summary>
    public const string CancelledByCustomer = "customer";
    public const string CancelledByStaff = "staff";
    public const string CancelledExpired = "reservation_expired";
    public const string CancelledPaymentFailed = "payment_failed";

    /// <summary>The idempotency references of its money: the hold, and the refund movements (<c>:refund:&lt;refund id&gt;</c>).</summary>
    public string HoldReference => $"order:{Id}:hold";
    public string IntentReference => $"order:{Id}:intent";

    public long Refundable => TotalMinor - RefundedMinor - RefundPendingMinor;

    public const string Columns =
        "id, tenant_id, buyer_id, status, currency, total_minor, refunded_minor, refund_pending_minor, payment_method, wallet_id, hold_id, "
        + "payment_reference, client_secret_token, contact_email_token, stock_status, reserved_until, cancel_reason, tracking_number, "
        + "shipment_reference, receipt_key, version, created_at, updated_at, paid_at";

    public static Order Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        BuyerId = r.GetString(2),
        Status = r.GetString(3),
        Currency = r.GetString(4),
        TotalMinor = r.GetInt64(5),
        RefundedMinor = r.GetInt64(6),
        RefundPendingMinor = r.GetInt64(7),
        PaymentMethod = r.GetString(8),
        WalletId = r.IsDBNull(9) ? null : r.GetGuid(9),
        HoldId = r.IsDBNull(10) ? null : r.GetGuid(10),
        PaymentReference = r.IsDBNull(11) ? null : r.GetString(11),
        ClientSecretToken = r.IsDBNull(12) ? null : r.GetString(12),
        ContactEmailToken = r.IsDBNull(13) ? null : r.GetString(13),
        StockStatus = r.GetString(14),
        ReservedUntil = r.GetFieldValue<DateTimeOffset>(15),
        CancelReason = r.IsDBNull(16) ? null : r.GetString(16),
        TrackingNumber = r.IsDBNull(17) ? null : r.GetString(17),
        ShipmentReference = r.IsDBNull(18) ? null : r.GetString(18),
        ReceiptKey = r.IsDBNull(19) ? null : r.GetString(19),
        Version = r.GetInt64(20),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(21),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(22),
        PaidAt = r.IsDBNull(23) ? null : r.GetFieldValue<DateTimeOffset>(23),
    };

    public static SqlStatement Insert(Order o) => SqlStatement.Tagged("commerce_orders.insert",
        $"""
        INSERT INTO commerce_orders ({Columns}) VALUES (@id, @tenant, @buyer, @status, @currency, @total, 0, 0, @method, @wallet, @hold,
            NULL, NULL, @email, @stock, @until, NULL, NULL, NULL, NULL, 1, @now, @now, NULL)
        """,
        ("id", o.Id), ("tenant", o.TenantId), ("buyer", o.BuyerId), ("status", o.Status), ("currency", o.Currency), ("total", o.TotalMinor),
        ("method", o.PaymentMethod), ("wallet", o.WalletId), ("hold", o.HoldId), ("email", o.ContactEmailToken), ("stock", o.StockStatus),
        ("until", o.ReservedUntil), ("now", o.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("commerce_orders.find",
        $"SELECT {Columns} FROM commerce_orders WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}",
        ("tenant", tenantId), ("id", id));

    /// <summary>A page of the tenant's orders, newest first; a buyer's own when <paramref name="buyerId"/> is given.</summary>
    public static SqlStatement Page(string tenantId, string? buyerId, string? status, Guid? before, int limit) =>
        SqlStatement.Tagged("commerce_orders.page",
        $"SELECT {Columns} FROM commerce_orders WHERE tenant_id = @tenant" + (buyerId is null ? "" : " AND buyer_id = @buyer")
        + (status is null ? "" : " AND status = @status") + (before is null ? "" : " AND id < @before") + " ORDER BY id DESC LIMIT @limit",
        ("tenant", tenantId), ("buyer", buyerId), ("status", status), ("before", before), ("limit", limit));

    /// <summary>Unpaid orders of every tenant whose reservation ran out, oldest first.</summary>
    public static SqlStatement Overdue(DateTimeOffset now, int limit) => SqlStatement.Tagged("commerce_orders.overdue",
        $"SELECT id, tenant_id FROM commerce_orders WHERE status = '{OrderStatuses.PendingPayment}' AND reserved_until <= @now ORDER BY reserved_until LIMIT @limit",
        ("now", now), ("limit", limit));

    /// <summary>Writes every mutable field at the next version, if the row is still at the one before (under the row lock it is).</summary>
    public static SqlStatement Save(Order o) => SqlStatement.Tagged("commerce_orders.save",
        """
        UPDATE commerce_orders SET status = @status, refunded_minor = @refunded, refund_pending_minor = @pending, hold_id = @hold,
            payment_reference = @reference, client_secret_token = @secret, stock_status = @stock, cancel_reason = @reason,
            tracking_number = @tracking, shipment_reference = @shipment, receipt_key = @receipt, version = @version,
            updated_at = @now, paid_at = @paid
        WHERE tenant_id = @tenant AND id = @id AND version = @previous
        """,
        ("status", o.Status), ("refunded", o.RefundedMinor), ("pending", o.RefundPendingMinor), ("hold", o.HoldId),
        ("reference", o.PaymentReference), ("secret", o.ClientSecretToken), ("stock", o.StockStatus), ("reason", o.CancelReason),
        ("tracking", o.TrackingNumber), ("shipment", o.ShipmentReference), ("receipt", o.ReceiptKey), ("version", o.Version),
        ("now", o.UpdatedAt), ("paid", o.PaidAt), ("tenant", o.TenantId), ("id", o.Id), ("previous", o.Version - 1));

    public Order Copy() => (Order)MemberwiseClone();
}

/// <summary>One line of an order (<c>commerce_order_lines</c>): a variant, how many, at the unit price the checkout read.</summary>
internal sealed class OrderLine
{
    public Guid OrderId { get; set; }
    public int LineNo { get; set; }
    public required string TenantId { get; set; }
    public Guid VariantId { get; set; }
    public required string Sku { get; set; }
    public int Quantity { get; set; }
    public long UnitPriceMinor { get; set; }

    public long TotalMinor => UnitPriceMinor * Quantity;

    private const string Columns = "order_id, line_no, tenant_id, variant_id, sku, quantity, unit_price_minor";

    public static OrderLine Read(DbDataReader r) => new()
    {
        OrderId = r.GetGuid(0),
        LineNo = r.GetInt32(1),
        TenantId = r.GetString(2),
        VariantId = r.GetGuid(3),
        Sku = r.GetString(4),
        Quantity = r.GetInt32(5),
        UnitPriceMinor = r.GetInt64(6),
    };

    public static SqlStatement Insert(OrderLine l) => SqlStatement.Tagged("commerce_order_lines.insert",
        $"INSERT INTO commerce_order_lines ({Columns}) VALUES (@order, @line, @tenant, @variant, @sku, @quantity, @price)",
        ("order", l.OrderId), ("line", l.LineNo), ("tenant", l.TenantId), ("variant", l.VariantId), ("sku", l.Sku),
        ("quantity", l.Quantity), ("price", l.UnitPriceMinor));

    public static SqlStatement Of(string tenantId, IReadOnlyCollection<Guid> orderIds, DatabaseProvider provider)
    {
        var (inOrders, value) = provider.InIds("order_id", "orders", orderIds);
        return SqlStatement.Tagged("commerce_order_lines.of",
            $"SELECT {Columns} FROM commerce_order_lines WHERE tenant_id = @tenant AND {inOrders} ORDER BY order_id, line_no",
            ("tenant", tenantId), ("orders", value));
    }
}
