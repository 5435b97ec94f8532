using Coffer.Ledger.Money;

namespace Coffer.Ledger.Tests.Unit;

public sealed class MoneyTests
{
    private static Money.Money Usd(long amountMinor) => new(amountMinor, "USD");

    [Fact]
    public void Add_SameCurrency_SumsMinorUnits()
    {
        var sum = Usd(1_050) + Usd(275);

        Assert.Equal(1_325, sum.AmountMinor);
        Assert.Equal("USD", sum.Currency);
    }

    [Fact]
    public void Subtract_SameCurrency_SubtractsMinorUnits()
    {
        var difference = Usd(1_050) - Usd(2_000);

        Assert.Equal(-950, difference.AmountMinor);
        Assert.Equal("USD", difference.Currency);
    }

    [Fact]
    public void Add_DifferentCurrencies_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Usd(100) + new Money.Money(100, "EUR"));
    }

    [Fact]
    public void Subtract_DifferentCurrencies_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Usd(100) - new Money.Money(100, "JPY"));
    }

    [Fact]
    public void Add_PastLongMaxValue_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => Usd(long.MaxValue) + Usd(1));
    }

    [Fact]
    public void Subtract_PastLongMinValue_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => Usd(long.MinValue) - Usd(1));
    }

    [Fact]
    public void Add_UpToLongMaxValue_DoesNotThrow()
    {
        Assert.Equal(long.MaxValue, (Usd(long.MaxValue - 1) + Usd(1)).AmountMinor);
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("usd")]
    [InlineData("")]
    [InlineData("USDX")]
    public void Construct_UnknownCurrency_Throws(string currency)
    {
        Assert.Throws<ArgumentException>(() => new Money.Money(1, currency));
    }

    [Fact]
    public void Allocate_HundredThreeWays_GivesTheLeftoverCentToTheFirstPart()
    {
        var parts = Usd(100).Allocate([1, 1, 1]);

        Assert.Equal([34L, 33L, 33L], parts.Select(p => p.AmountMinor));
        Assert.All(parts, p => Assert.Equal("USD", p.Currency));
    }

    [Fact]
    public void Allocate_UnequalWeights_GivesLeftoverToTheLargestRemainder()
    {
        // 100 * 1/3 = 33.33, 100 * 2/3 = 66.67: the cent goes to the larger remainder, not the earlier weight.
        var parts = Usd(100).Allocate([1, 2]);

        Assert.Equal([33L, 67L], parts.Select(p => p.AmountMinor));
    }

    [Fact]
    public void Allocate_LeftoverUnits_GoToTheLargestRemaindersEarliestFirst()
    {
        // 10 by 3:3:3:1 is exact; 11 by 3:3:3:1 → 3.3, 3.3, 3.3, 1.1: one unit left, to the earliest of the tied .3s;
        // 8 by 1:1:1 → 2.67 each: two units left, to the first two.
        Assert.Equal([3L, 3L, 3L, 1L], Usd(10).Allocate([3, 3, 3, 1]).Select(p => p.AmountMinor));
        Assert.Equal([4L, 3L, 3L, 1L], Usd(11).Allocate([3, 3, 3, 1]).Select(p => p.AmountMinor));
        Assert.Equal([3L, 3L, 2L], Usd(8).Allocate([1, 1, 1]).Select(p => p.AmountMinor));
    }

    [Fact]
    public void Allocate_ZeroWeight_GetsNothing()
    {
        var parts = Usd(101).Allocate([0, 1, 1, 0]);

        Assert.Equal([0L, 51L, 50L, 0L], parts.Select(p => p.AmountMinor));
    }

    [Fact]
    public void Allocate_OneUnitAmongManyWithZeroWeightsFirst_GoesToAPositiveWeight()
    {
        var parts = Usd(1).Allocate([0, 0, 5, 5]);

        Assert.Equal([0L, 0L, 1L, 0L], parts.Select(p => p.AmountMinor));
    }

    [Fact]
    public void Allocate_Zero_GivesAllZeroParts()
    {
        Assert.Equal([0L, 0L, 0L], Usd(0).Allocate([1, 2, 3]).Select(p => p.AmountMinor));
    }

    [Fact]
    public void Allocate_SingleWeight_ReturnsTheWhole()
    {
        Assert.Equal([12_345L], Usd(12_345).Allocate([7]).Select(p => p.AmountMinor));
    }

    [Fact]
    public void Allocate_LongMaxValueThreeWays_SumsExactlyWithoutOverflow()
    {
        var parts = Usd(long.MaxValue).Allocate([1, 1, 1]);

        Assert.Equal(long.MaxValue, parts.Aggregate(0L, (sum, p) => checked(sum + p.AmountMinor)));
        Assert.True(parts.Max(p => p.AmountMinor) - parts.Min(p => p.AmountMinor) <= 1);
    }

    [Fact]
    public void Allocate_HugeWeights_StillSumsExactly()
    {
        // amount × weight overflows a long; the split must not.
        var parts = Usd(999_999_999_999).Allocate([long.MaxValue / 4, long.MaxValue / 4, 1]);

        // Each big share is 499,999,999,999.4999…: the one leftover unit goes to the earlier of the tied remainders.
        Assert.Equal([500_000_000_000L, 499_999_999_999L, 0L], parts.Select(p => p.AmountMinor));
    }

    [Fact]
    public void Allocate_RandomAmountsAndWeights_PartsSumToTheWholeAndStayWithinOneUnitOfTheirShare()
    {
        var random = new Random(20240611);
        for (var round = 0; round < 2_000; round++)
        {
            var amount = random.NextInt64(0, 10_000_000_000);
            var weights = Enumerable.Range(0, random.Next(1, 12)).Select(_ => (long)random.Next(0, 1_000)).ToArray();
            if (weights.All(w => w == 0))
            {
                weights[0] = 1;
            }
            var total = weights.Sum();

            var parts = Usd(amount).Allocate(weights).Select(p => p.AmountMinor).ToArray();

            Assert.Equal(amount, parts.Sum());
            for (var i = 0; i < weights.Length; i++)
            {
                var floor = (long)((Int128)amount * weights[i] / total);
                Assert.InRange(parts[i], floor, weights[i] == 0 ? 0 : floor + 1);
            }
        }
    }

    [Fact]
    public void Allocate_NoWeights_Throws()
    {
        Assert.Throws<ArgumentException>(() => Usd(100).Allocate([]));
    }

    [Fact]
    public void Allocate_AllZeroWeights_Throws()
    {
        Assert.Throws<ArgumentException>(() => Usd(100).Allocate([0, 0]));
    }

    [Fact]
    public void Allocate_NegativeWeight_Throws()
    {
        Assert.Throws<ArgumentException>(() => Usd(100).Allocate([2, -1]));
    }

    [Fact]
    public void Allocate_NegativeAmount_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Usd(-100).Allocate([1, 1]));
    }

    [Fact]
    public void Allocate_WeightsWhoseTotalOverflows_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => Usd(100).Allocate([long.MaxValue, 1]));
    }

    [Fact]
    public void ToString_ShowsMinorUnitsAndCurrency()
    {
        Assert.Equal("1050 USD", Usd(1_050).ToString());
    }
}
