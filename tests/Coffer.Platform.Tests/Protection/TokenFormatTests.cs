using Coffer.Platform.Protection;

namespace Coffer.Platform.Tests.Protection;

public sealed class TokenFormatTests
{
    [Fact]
    public void NewTokens_AreTokPlus24LowerCaseBase32Characters_AndDistinct()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => TokenFormat.NewToken()).ToList();

        Assert.All(tokens, t => Assert.Matches("^tok_[a-z2-7]{24}$", t));
        Assert.All(tokens, t => Assert.True(TokenFormat.IsWellFormed(t)));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        // Every symbol of the alphabet turns up: the random part is not drawn from a narrower set.
        Assert.Equal(32, tokens.SelectMany(t => t[4..]).Distinct().Count());
    }

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 00", "3000")]
    [InlineData("000123456789", "6789")]
    [InlineData("12-34-56-78", "5678")]
    [InlineData("sk_live_abcdefgh", "efgh")]
    [InlineData("1234567", null)]   // seven letters and digits: too short to show any of it
    [InlineData("12 34", null)]
    public void Last4_IsTheLastFourLettersOrDigits_OnlyForValuesOfAtLeastEight(string value, string? expected)
    {
        Assert.Equal(expected, TokenFormat.Last4Of(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tok_")]
    [InlineData("tok_AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("tok_aaaaaaaaaaaaaaaaaaaaaaa1")] // '1' is not in base32
    [InlineData("tok_aaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("tok_aaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("' OR 1=1 --")]
    public void MalformedToken_IsNotWellFormed(string? token)
    {
        Assert.False(TokenFormat.IsWellFormed(token));
    }

    [Theory]
    [InlineData("bank_account", true)]
    [InlineData("partner_secret2", true)]
    [InlineData("Bank", false)]
    [InlineData("2fa", false)]
    [InlineData("a|b", false)]
    [InlineData("", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefg", false)] // 33 characters
    public void Kind_IsLowerCaseSnakeUpTo32(string kind, bool valid)
    {
        Assert.Equal(valid, TokenFormat.IsValidKind(kind));
    }
}
