using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Commerce.Payments;

/// <summary>
/// Money returned to a buyer (<c>commerce_refunds</c>): a wallet refund is a ledger movement from the merchant revenue account
/// and succeeds in the transaction that requests it; a card refund is <c>pending</c> until the payment provider answers
/// (<see cref="RefundCardPaymentJob"/>), then <c>succeeded</c> or <c>failed</c>. <see cref="Reference"/> (unique per tenant)
/// is the refund's idempotency key at the ledger or the provider.
/// </summary>
internal sealed class Refund
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid OrderId { get; set; }
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public required string Method { get; set; }
    public required string Status { get; set; }
    public required string Reason { get; set; }
    public required string Reference { get; set; }
    public string? ProviderReference { get; set; }
    public Guid? TransferId { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public static readonly IReadOnlyList<string> Statuses = [Pending, Succeeded, Failed];

    public const int MaxReasonLength = 500;

    private const string Columns =
        "id, tenant_id, order_id, amount_minor, currency, method, status, reason, reference, provider_reference, transfer_id, requested_by, created_at, completed_at";

    public static Refund Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        OrderId = r.GetGuid(2),
        AmountMinor = r.GetInt64(3),
        Currency = r.GetString(4),
        Method = r.GetString(5),
        Status = r.GetString(6),
        Reason = r.GetString(7),
        Reference = r.GetString(8),
        ProviderReference = r.IsDBNull(9) ? null : r.GetString(9),
        TransferId = r.IsDBNull(10) ? null : r.GetGuid(10),
        RequestedBy = r.GetString(11),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(12),
        CompletedAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
    };

    public static SqlStatement Insert(Refund f) => SqlStatement.Tagged("commerce_refunds.insert",
        $"""
        INSERT INTO commerce_refunds ({Columns}) VALUES (@id, @tenant, @order, @amount, @currency, @method, @status, @reason, @reference,
            @provider, @transfer, @by, @now, @completed)
        """,
        ("id", f.Id), ("tenant", f.TenantId), ("order", f.OrderId), ("amount", f.AmountMinor), ("currency", f.Currency),
        ("method", f.Method), ("status", f.Status), ("reason", f.Reason), ("reference", f.Reference), ("provider", f.ProviderReference),
        ("transfer", f.TransferId), ("by", f.RequestedBy), ("now", f.CreatedAt), ("completed", f.CompletedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("commerce_refunds.find",
        $"SELECT {Columns} FROM commerce_refunds WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}", ("tenant", tenantId), ("id", id));

    public static SqlStatement FindByReference(string tenantId, string reference) => SqlStatement.Tagged("commerce_refunds.by_reference",
        $"SELECT {Columns} FROM commerce_refunds WHERE tenant_id = @tenant AND reference = @reference", ("tenant", tenantId), ("reference", reference));

    public static SqlStatement OfOrder(string tenantId, Guid orderId) => SqlStatement.Tagged("commerce_refunds.of_order",
        $"SELECT {Columns} FROM commerce_refunds WHERE tenant_id = @tenant AND order_id = @order ORDER BY id", ("tenant", tenantId), ("order", orderId));

    /// <summary>Settles a pending card refund with the provider's answer.</summary>
    public static SqlStatement Settle(Refund f) => SqlStatement.Tagged("commerce_refunds.settle",
        """
        UPDATE commerce_refunds SET status = @status, provider_reference = @provider, completed_at = @completed
        WHERE tenant_id = @tenant AND id = @id AND status = 'pending'
        """,
        ("status", f.Status), ("provider", f.ProviderReference), ("completed", f.CompletedAt), ("tenant", f.TenantId), ("id", f.Id));
}
