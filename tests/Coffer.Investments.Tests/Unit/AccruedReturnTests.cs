using Coffer.Investments.Investing;
using Coffer.Investments.Products;
using Coffer.Ledger.Accounts;

namespace Coffer.Investments.Tests.Unit;

public sealed class AccruedReturnTests
{
    private static readonly DateTimeOffset Executed = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(100_000, "0.05", 365, 365, 5_000)]      // a full year at 5 %
    [InlineData(100_000, "0.05", 365, 30, 410)]         // 100000 × 0.05 × 30 / 365 = 410.96 → 410 (down)
    [InlineData(100_000, "0.05", 90, 400, 1_232)]       // capped at the 90-day term: 1232.87 → 1232
    [InlineData(100_000, "0.05", 365, 0, 0)]            // redeemed the same day: principal only
    [InlineData(1, "0.99", 365, 365, 0)]                // 0.99 of a minor unit stays in the pool
    [InlineData(1_000_000_000_000_000, "1", 36_500, 36_500, 100_000_000_000_000_000)] // the largest amount for a century: exact
    public void Return_IsSimpleInterestOnWholeDays_RoundedDown(long principal, string rate, int termDays, int daysHeld, long expected) =>
        Assert.Equal(expected, AccruedReturn.Of(principal, decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture), termDays,
            Executed, Executed.AddDays(daysHeld).AddHours(23)));

    [Fact]
    public void PartialDay_DoesNotCount() =>
        Assert.Equal(0, AccruedReturn.Of(100_000, 0.5m, 365, Executed, Executed.AddHours(23.9)));

    [Fact]
    public void ProductAccountCodes_AreValidLedgerCodes_AndDistinctPerProductAndKind()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var codes = new[]
        {
            ProductAccounts.Code(ProductAccounts.CustodyKind, a), ProductAccounts.Code(ProductAccounts.DividendPoolKind, a),
            ProductAccounts.Code(ProductAccounts.ReserveKind, a), ProductAccounts.Code(ProductAccounts.CustodyKind, b),
        };

        Assert.All(codes, code => Assert.True(SystemAccounts.IsValidCode(code), code));
        Assert.Equal(codes.Length, codes.Distinct().Count());
    }
}
