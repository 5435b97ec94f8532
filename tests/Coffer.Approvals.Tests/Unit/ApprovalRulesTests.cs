using Coffer.Approvals.Policies;
using Coffer.Approvals.Requests;

namespace Coffer.Approvals.Tests.Unit;

public sealed class ApprovalRulesTests
{
    public static TheoryData<string, string> Allowed => new()
    {
        { "pending", "approved" }, { "pending", "rejected" }, { "pending", "expired" }, { "approved", "executed" },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void AllowedTransitions_Pass(string from, string to)
    {
        Assert.True(ApprovalStatuses.CanBecome(from, to));
        ApprovalStatuses.Assert(from, to);
    }

    [Fact]
    public void EveryOtherTransition_Throws()
    {
        var allowed = Allowed.Select(row => ((string)row[0], (string)row[1])).ToHashSet();
        var forbidden = ApprovalStatuses.All.SelectMany(from => ApprovalStatuses.All.Select(to => (from, to))).Where(t => !allowed.Contains(t)).ToList();

        Assert.Equal(25 - 4, forbidden.Count);
        foreach (var (from, to) in forbidden)
        {
            Assert.False(ApprovalStatuses.CanBecome(from, to));
            Assert.Throws<InvalidOperationException>(() => ApprovalStatuses.Assert(from, to));
        }
    }

    [Fact]
    public void InputsHash_IgnoresKeyOrder_ButNotValuesAmountsOrOperation()
    {
        var a = InputsHash.Canonical(new { b = 1, a = new { y = 2, x = new[] { 3, 1 } } });
        var b = InputsHash.Canonical(new { a = new { x = new[] { 3, 1 }, y = 2 }, b = 1 });
        Assert.Equal("""{"a":{"x":[3,1],"y":2},"b":1}""", a);
        Assert.Equal(a, b);
        var hash = InputsHash.Of("dividend.distribute", a, 100, "USD", null);
        Assert.Equal(hash, InputsHash.Of("dividend.distribute", b, 100, "USD", null));
        Assert.NotEqual(hash, InputsHash.Of("dividend.distribute", a, 101, "USD", null));
        Assert.NotEqual(hash, InputsHash.Of("dividend.distribute", a, 100, "EUR", null));
        Assert.NotEqual(hash, InputsHash.Of("withdrawal.large", a, 100, "USD", null));
        Assert.NotEqual(hash, InputsHash.Of("dividend.distribute", InputsHash.Canonical(new { b = 1, a = new { x = new[] { 1, 3 }, y = 2 } }), 100, "USD", null));
    }

    [Theory]
    [InlineData(99_999L, "USD", false)]
    [InlineData(100_000L, "USD", true)]
    [InlineData(1L, "EUR", true)] // a currency without a threshold is gated at any amount
    [InlineData(null, null, true)] // an operation without an amount is gated whenever a policy exists
    public void Policy_GatesAtOrAboveTheThresholdOfTheCurrency(long? amount, string? currency, bool gated)
    {
        var policy = new ApprovalPolicy { TenantId = "t", Operation = "dividend.distribute", Thresholds = """{"USD":100000}""", UpdatedBy = "a" };
        Assert.Equal(gated, policy.Gates(amount, currency));
    }
}
