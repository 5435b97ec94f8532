using System.Data.Common;

namespace Coffer.Ledger.Transfers;

/// <summary>
/// One immutable movement: the append-only event log of the ledger. Account balances are its projection.
/// Kinds follow TigerBeetle: a <c>pending</c> transfer reserves, and exactly one <c>post_pending</c> or
/// <c>void_pending</c> transfer (unique <see cref="PendingId"/>) resolves it.
/// </summary>
internal sealed class Transfer
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid DebitAccountId { get; set; }
    public Guid CreditAccountId { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public required string Code { get; set; }
    public required string Kind { get; set; }
    public Guid? PendingId { get; set; }
    public Guid? ReversalOf { get; set; }
    public string? ExternalReference { get; set; }
    public string? Description { get; set; }
    public string? Metadata { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The columns <see cref="Read"/> expects, for a query that aliases the table as <c>t</c>.</summary>
    public const string Columns =
        "t.id, t.tenant_id, t.debit_account_id, t.credit_account_id, t.amount, t.currency, t.code, t.kind, t.pending_id, "
        + "t.reversal_of, t.external_reference, t.description, t.metadata, t.created_at";

    public static Transfer Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        DebitAccountId = r.GetGuid(2),
        CreditAccountId = r.GetGuid(3),
        Amount = r.GetInt64(4),
        Currency = r.GetString(5),
        Code = r.GetString(6),
        Kind = r.GetString(7),
        PendingId = r.IsDBNull(8) ? null : r.GetGuid(8),
        ReversalOf = r.IsDBNull(9) ? null : r.GetGuid(9),
        ExternalReference = r.IsDBNull(10) ? null : r.GetString(10),
        Description = r.IsDBNull(11) ? null : r.GetString(11),
        Metadata = r.IsDBNull(12) ? null : r.GetString(12),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(13),
    };
}

internal static class TransferKinds
{
    public const string Posted = "posted";
    public const string Pending = "pending";
    public const string PostPending = "post_pending";
    public const string VoidPending = "void_pending";
}

/// <summary>What a transfer is for; stable strings clients see.</summary>
internal static class TransferCodes
{
    public const string Transfer = "transfer";
    public const string Deposit = "deposit";
    public const string Reversal = "reversal";
    public const string Hold = "hold";
    public const string HoldCapture = "hold_capture";
    public const string HoldVoid = "hold_void";
    public const string HoldExpiry = "hold_expiry";
}
