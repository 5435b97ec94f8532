using Coffer.Ledger.Money;

namespace Coffer.Ledger.Tests.Unit;

public sealed class CurrenciesTests
{
    [Theory]
    [InlineData("USD")]
    [InlineData("EUR")]
    [InlineData("JPY")]
    [InlineData("BHD")]
    [InlineData("CHF")]
    public void IsKnown_ActiveIsoCode_IsTrue(string code)
    {
        Assert.True(Currencies.IsKnown(code));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("usd")]
    [InlineData("Usd")]
    [InlineData("US")]
    [InlineData("USDD")]
    [InlineData(" USD")]
    [InlineData("")]
    [InlineData(null)]
    public void IsKnown_UnknownOrMalformedCode_IsFalse(string? code)
    {
        Assert.False(Currencies.IsKnown(code));
    }

    [Theory]
    [InlineData("USD", 2)]
    [InlineData("EUR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("BHD", 3)]
    [InlineData("KWD", 3)]
    public void MinorUnitsOf_KnownCode_IsItsIsoExponent(string code, int exponent)
    {
        Assert.Equal(exponent, Currencies.MinorUnitsOf(code));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("usd")]
    public void MinorUnitsOf_UnknownCode_Throws(string code)
    {
        Assert.Throws<ArgumentException>(() => Currencies.MinorUnitsOf(code));
    }
}
