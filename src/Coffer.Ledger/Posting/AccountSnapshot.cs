using System.Data.Common;
using Coffer.Ledger.Accounts;

namespace Coffer.Ledger.Posting;

/// <summary>
/// An account as locked for this transaction. Postings change it in memory; the store then writes
/// only the deltas (<c>col = col + delta</c>), with the database constraints as the second check.
/// </summary>
internal sealed class AccountSnapshot
{
    public const string Columns =
        "id, tenant_id, owner_id, kind, system_code, currency, allow_negative, posted_debits, posted_credits, pending_debits, pending_credits, name, created_at";

    private long _originalPostedDebits;
    private long _originalPostedCredits;
    private long _originalPendingDebits;
    private long _originalPendingCredits;

    public required Guid Id { get; init; }
    public required string TenantId { get; init; }
    public string? OwnerId { get; init; }
    public required string Kind { get; init; }
    public string? SystemCode { get; init; }
    public required string Currency { get; init; }
    public bool AllowNegative { get; init; }
    public string? Name { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public long PostedDebits { get; set; }
    public long PostedCredits { get; set; }
    public long PendingDebits { get; set; }
    public long PendingCredits { get; set; }

    public bool IsWallet => Kind == AccountKinds.Wallet;

    /// <summary>What may still be spent: posted credits less posted and pending debits.</summary>
    public long Available => checked(PostedCredits - PostedDebits - PendingDebits);

    public bool Changed =>
        PostedDebits != _originalPostedDebits || PostedCredits != _originalPostedCredits
        || PendingDebits != _originalPendingDebits || PendingCredits != _originalPendingCredits;

    public (long PostedDebits, long PostedCredits, long PendingDebits, long PendingCredits) Delta => (
        checked(PostedDebits - _originalPostedDebits), checked(PostedCredits - _originalPostedCredits),
        checked(PendingDebits - _originalPendingDebits), checked(PendingCredits - _originalPendingCredits));

    /// <summary>Marks the current balances as the stored ones (after the row is read, or after its deltas are written).</summary>
    public void MarkClean()
    {
        _originalPostedDebits = PostedDebits;
        _originalPostedCredits = PostedCredits;
        _originalPendingDebits = PendingDebits;
        _originalPendingCredits = PendingCredits;
    }

    public static AccountSnapshot Read(DbDataReader reader)
    {
        var snapshot = new AccountSnapshot
        {
            Id = reader.GetGuid(0),
            TenantId = reader.GetString(1),
            OwnerId = reader.IsDBNull(2) ? null : reader.GetString(2),
            Kind = reader.GetString(3),
            SystemCode = reader.IsDBNull(4) ? null : reader.GetString(4),
            Currency = reader.GetString(5),
            AllowNegative = reader.GetBoolean(6),
            PostedDebits = reader.GetInt64(7),
            PostedCredits = reader.GetInt64(8),
            PendingDebits = reader.GetInt64(9),
            PendingCredits = reader.GetInt64(10),
            Name = reader.IsDBNull(11) ? null : reader.GetString(11),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(12),
        };
        snapshot.MarkClean();
        return snapshot;
    }
}
