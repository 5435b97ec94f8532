using System.Data.Common;

namespace Coffer.Ledger.Holds;

/// <summary>
/// The state machine of a pending transfer (same id): pending → captured | voided | expired, once.
/// </summary>
internal sealed class Hold
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid DebitAccountId { get; set; }
    public Guid CreditAccountId { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public required string Status { get; set; }
    public long? CapturedAmount { get; set; }
    public Guid? ResolutionTransferId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    public const string Columns =
        "h.id, h.tenant_id, h.debit_account_id, h.credit_account_id, h.amount, h.currency, h.status, h.captured_amount, "
        + "h.resolution_transfer_id, h.expires_at, h.created_at, h.resolved_at";

    public static Hold Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        DebitAccountId = r.GetGuid(2),
        CreditAccountId = r.GetGuid(3),
        Amount = r.GetInt64(4),
        Currency = r.GetString(5),
        Status = r.GetString(6),
        CapturedAmount = r.IsDBNull(7) ? null : r.GetInt64(7),
        ResolutionTransferId = r.IsDBNull(8) ? null : r.GetGuid(8),
        ExpiresAt = r.GetFieldValue<DateTimeOffset>(9),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(10),
        ResolvedAt = r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
    };
}

internal static class HoldStatuses
{
    public const string Pending = "pending";
    public const string Captured = "captured";
    public const string Voided = "voided";
    public const string Expired = "expired";

    /// <summary>The only legal transitions; anything else is a programmer error.</summary>
    public static void EnsureTransition(string from, string to)
    {
        if (from != Pending || to is not (Captured or Voided or Expired))
        {
            throw new InvalidOperationException($"Illegal hold transition {from} → {to}.");
        }
    }
}
