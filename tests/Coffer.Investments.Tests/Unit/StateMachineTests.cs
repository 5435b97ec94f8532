using Coffer.Investments.Dividends;
using Coffer.Investments.Investing;
using Coffer.Investments.Products;

namespace Coffer.Investments.Tests.Unit;

/// <summary>Every allowed and every forbidden transition of the investment and product lifecycles.</summary>
public sealed class StateMachineTests
{
    private static readonly (string From, string To)[] AllowedInvestmentMoves =
    [
        ("pending", "executing"), ("executing", "active"), ("executing", "failed"), ("active", "redeeming"), ("redeeming", "redeemed"),
    ];

    public static TheoryData<string, string> EveryInvestmentPair()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in InvestmentStatuses.All)
        {
            foreach (var to in InvestmentStatuses.All)
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryInvestmentPair))]
    public void InvestmentTransition_IsAllowedExactlyWhenTheLifecycleSaysSo(string from, string to)
    {
        var allowed = AllowedInvestmentMoves.Contains((from, to));

        Assert.Equal(allowed, InvestmentStatuses.CanMove(from, to));
        if (allowed)
        {
            InvestmentStatuses.Require(from, to);
            Assert.NotNull(Investment.Move("t", Guid.NewGuid(), from, to, DateTimeOffset.UnixEpoch));
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => InvestmentStatuses.Require(from, to));
            Assert.Throws<InvalidOperationException>(() => Investment.Move("t", Guid.NewGuid(), from, to, DateTimeOffset.UnixEpoch));
        }
    }

    [Fact]
    public void SettledInvestments_MoveNowhere()
    {
        foreach (var to in InvestmentStatuses.All)
        {
            Assert.False(InvestmentStatuses.CanMove(InvestmentStatuses.Failed, to));
            Assert.False(InvestmentStatuses.CanMove(InvestmentStatuses.Redeemed, to));
        }
    }

    [Theory]
    [InlineData("draft", "open", true)]
    [InlineData("open", "closed", true)]
    [InlineData("draft", "closed", true)]
    [InlineData("open", "draft", false)]
    [InlineData("closed", "open", false)]
    [InlineData("closed", "draft", false)]
    [InlineData("draft", "draft", false)]
    [InlineData("open", "open", false)]
    [InlineData("closed", "closed", false)]
    public void ProductTransition_FollowsDraftOpenClosed(string from, string to, bool allowed) =>
        Assert.Equal(allowed, ProductStatuses.CanMove(from, to));

    [Theory]
    [InlineData("queued", "running", true)]
    [InlineData("queued", "failed", true)]
    [InlineData("running", "completed", true)]
    [InlineData("queued", "completed", false)]
    [InlineData("running", "failed", false)]
    [InlineData("running", "queued", false)]
    [InlineData("failed", "completed", false)]
    [InlineData("failed", "running", false)]
    [InlineData("completed", "running", false)]
    [InlineData("completed", "failed", false)]
    [InlineData("running", "running", false)]
    public void DistributionTransition_FollowsQueuedRunningCompleted(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, DistributionStatuses.CanMove(from, to));
        var distribution = new DividendDistribution
        {
            TenantId = "t", Currency = "USD", Reference = "r", Status = from, RequestedBy = "ops",
        };
        if (allowed)
        {
            Assert.Contains("status = @from", DividendDistribution.MoveTo(distribution, to, null, DateTimeOffset.UnixEpoch).Sql);
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => DividendDistribution.MoveTo(distribution, to, null, DateTimeOffset.UnixEpoch));
        }
    }
}
