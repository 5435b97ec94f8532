namespace Coffer.Ledger.Money;

/// <summary>
/// An amount in integer minor units of one ISO 4217 currency. Every operator checks the currency and
/// overflows loudly; division is only by allocation, whose parts always sum to the whole.
/// </summary>
public readonly record struct Money
{
    /// <summary>The largest amount one movement may carry (10^15 minor units), so balances stay far from overflow.</summary>
    public const long MaxAmountMinor = 1_000_000_000_000_000;

    public Money(long amountMinor, string currency)
    {
        if (!Currencies.IsKnown(currency))
        {
            throw new ArgumentException($"Unknown currency '{currency}'.", nameof(currency));
        }
        AmountMinor = amountMinor;
        Currency = currency;
    }

    public long AmountMinor { get; }
    public string Currency { get; }

    public static Money operator +(Money left, Money right) =>
        new(checked(left.AmountMinor + SameCurrency(left, right).AmountMinor), left.Currency);

    public static Money operator -(Money left, Money right) =>
        new(checked(left.AmountMinor - SameCurrency(left, right).AmountMinor), left.Currency);

    /// <summary>
    /// Splits the amount by integer weights with the largest-remainder method: parts are floored shares,
    /// and the leftover minor units go one each to the largest remainders (ties to the earlier weight).
    /// </summary>
    public IReadOnlyList<Money> Allocate(IReadOnlyList<long> weights)
    {
        if (AmountMinor < 0)
        {
            throw new InvalidOperationException("Only a non-negative amount can be allocated.");
        }
        if (weights.Count == 0 || weights.Any(w => w < 0) || weights.All(w => w == 0))
        {
            throw new ArgumentException("Weights must be non-negative and not all zero.", nameof(weights));
        }
        var total = weights.Aggregate(0L, (sum, w) => checked(sum + w));
        var parts = new long[weights.Count];
        var remainders = new (Int128 Remainder, int Index)[weights.Count];
        long allocated = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var product = (Int128)AmountMinor * weights[i];
            parts[i] = (long)(product / total);
            remainders[i] = (product % total, i);
            allocated += parts[i];
        }
        var leftover = AmountMinor - allocated;
        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take((int)leftover))
        {
            parts[index]++;
        }
        var currency = Currency;
        return parts.Select(p => new Money(p, currency)).ToArray();
    }

    private static Money SameCurrency(Money left, Money right) =>
        left.Currency == right.Currency
            ? right
            : throw new InvalidOperationException($"Currency mismatch: {left.Currency} and {right.Currency}.");

    public override string ToString() => $"{AmountMinor} {Currency}";
}
