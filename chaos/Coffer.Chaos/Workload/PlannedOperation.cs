namespace Coffer.Chaos.Workload;

/// <summary>The logical operations of the workload.</summary>
internal enum OperationKind
{
    /// <summary>An operator records a deposit into a wallet (from the tenant's external clearing account).</summary>
    Deposit,

    /// <summary>A customer pays another wallet of the tenant.</summary>
    Transfer,

    /// <summary>A customer places a hold for another wallet; the payee captures all or part of it.</summary>
    HoldCapture,

    /// <summary>A customer places a hold for another wallet; an operator voids it.</summary>
    HoldVoid,

    /// <summary>A customer withdraws to a bank account: held at once, paid out by a job through the provider.</summary>
    Withdrawal,

    /// <summary>A client that lost the answer to an earlier operation sends its first request again, same key, same body.</summary>
    Replay,
}

/// <summary>
/// One planned logical operation: wallets by index into <see cref="ChaosParties.Wallets"/> (<paramref name="To"/> unused by
/// deposits' source and withdrawals), the amount, the part of a hold captured, or the operation a replay repeats.
/// </summary>
internal sealed record PlannedOperation(int Number, OperationKind Kind, int From, int To, long Amount, long CaptureAmount, int ReplayOf)
{
    public string KeyOf(int seed, string step) => $"chaos-{seed}-{Number:D6}-{step}";
}
