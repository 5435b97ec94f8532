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

    /// <summary>A customer places an investment of its wallet in the tenant's product, then executes it (202, job execute-investment).</summary>
    Invest,

    /// <summary>The customer of an earlier investment redeems it once it is active (202, job redeem-investment).</summary>
    Redeem,

    /// <summary>An operator declares a dividend over the tenant's product (202, job distribute-dividend), a reference of its own each.</summary>
    Dividend,

    /// <summary>A customer checks out 1–2 variants of the tenant's shop, paid from its wallet (201 pending_payment; a job captures the hold).</summary>
    Checkout,

    /// <summary>A customer checks out and cancels the order at once, most likely before its payment is captured (hold voided, stock released).</summary>
    CheckoutCancel,

    /// <summary>The buyer of an earlier checkout cancels it, most likely paid by then (stock restocked, the whole total refunded).</summary>
    CancelOrder,
}

/// <summary>One line of a planned checkout: a variant by index into <see cref="ChaosParties.Variants"/>, and how many units.</summary>
internal sealed record PlannedItem(int Variant, int Quantity);

/// <summary>
/// One planned logical operation: wallets by index into <see cref="ChaosParties.Wallets"/> (<paramref name="To"/> unused by
/// deposits' source and withdrawals), the amount, the part of a hold captured, or the operation a replay repeats — for a
/// redemption, <paramref name="ReplayOf"/> is the investment operation it redeems. A dividend's <paramref name="From"/> names
/// only its tenant (any wallet of it). A checkout's <paramref name="Items"/> are its lines; a cancellation's
/// <paramref name="ReplayOf"/> is the checkout it cancels.
/// </summary>
internal sealed record PlannedOperation(
    int Number, OperationKind Kind, int From, int To, long Amount, long CaptureAmount, int ReplayOf, IReadOnlyList<PlannedItem>? Items = null)
{
    public string KeyOf(int seed, string step) => $"chaos-{seed}-{Number:D6}-{step}";

    // A seed names a plan: two plans are equal when their items are, not only when they share the list.
    public bool Equals(PlannedOperation? other) =>
        other is not null && (Number, Kind, From, To, Amount, CaptureAmount, ReplayOf) == (other.Number, other.Kind, other.From, other.To,
            other.Amount, other.CaptureAmount, other.ReplayOf) && (Items ?? []).SequenceEqual(other.Items ?? []);

    public override int GetHashCode() => HashCode.Combine(Number, Kind, From, To, Amount, CaptureAmount, ReplayOf, Items?.Count);
}
