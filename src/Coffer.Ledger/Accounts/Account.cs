namespace Coffer.Ledger.Accounts;

/// <summary>
/// An account row: balances in the TigerBeetle model. The row is a projection of the transfers,
/// which reconciliation re-derives; the database refuses negative totals and overdrawn wallets.
/// </summary>
internal sealed class Account
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public string? OwnerId { get; set; }
    public required string Kind { get; set; }
    public string? SystemCode { get; set; }
    public required string Currency { get; set; }
    public string? Name { get; set; }
    public bool AllowNegative { get; set; }
    public long PostedDebits { get; set; }
    public long PostedCredits { get; set; }
    public long PendingDebits { get; set; }
    public long PendingCredits { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal static class AccountKinds
{
    public const string Wallet = "wallet";
    public const string System = "system";
}
