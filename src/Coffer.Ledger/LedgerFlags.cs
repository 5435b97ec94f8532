namespace Coffer.Ledger;

/// <summary>The feature flags the ledger asks for. Each is created, switched on, by the migration that introduced it.</summary>
internal static class LedgerFlags
{
    /// <summary>Operators may reverse posted transfers: the kill switch for a bad reversal tool or a compromised operator account.</summary>
    public const string ReversalsEnabled = "ledger_reversals_enabled";

    /// <summary>Customers and operators may request withdrawals: the kill switch for payouts.</summary>
    public const string WithdrawalsEnabled = "withdrawals_enabled";
}
