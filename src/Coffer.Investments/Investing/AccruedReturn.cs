namespace Coffer.Investments.Investing;

/// <summary>
/// The return a redemption pays on top of the principal — simple interest, stated so that anyone can recompute it:
/// <c>floor(principal × annualRate × days / 365)</c> minor units, where <c>days</c> is the number of whole days (24 h) from
/// execution to redemption, capped at the product's term. Rounding is always down (the fraction of a minor unit stays in the
/// pool); redeeming before a day has passed returns the principal only.
/// </summary>
internal static class AccruedReturn
{
    public const int DaysPerYear = 365;

    public static long Of(long principal, decimal annualRate, int termDays, DateTimeOffset executedAt, DateTimeOffset redeemedAt)
    {
        if (principal <= 0 || annualRate < 0 || termDays <= 0)
        {
            throw new ArgumentException("A positive principal and term and a non-negative rate are needed.");
        }
        var days = Math.Clamp((long)Math.Floor((redeemedAt - executedAt).TotalDays), 0, termDays);
        // decimal keeps 28 significant digits: 10^15 × 10 × 36500 stays exact, and the division rounds only at the floor.
        return (long)decimal.Floor(principal * annualRate * days / DaysPerYear);
    }
}
