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
