using Coffer.Commerce.Orders;
using Trigger = Coffer.Commerce.Orders.OrderStatuses.Trigger;

namespace Coffer.Commerce.Tests.Unit;

/// <summary>
/// Every one of the 7×7 moves between order statuses: exactly the table below is legal, each move only by its own trigger.
/// The table is written out here on purpose — a change to <see cref="OrderStatuses"/> must be made in both places.
/// </summary>
public sealed class OrderStatusesTests
{
    private static readonly string[] Statuses = ["pending_payment", "paid", "fulfilled", "shipped", "delivered", "cancelled", "refunded"];

    private static readonly Dictionary<(string From, string To), Trigger> LegalMoves = new()
    {
        [("pending_payment", "paid")] = Trigger.Payment,
        [("pending_payment", "cancelled")] = Trigger.Staff,
        [("paid", "fulfilled")] = Trigger.Staff,
        [("paid", "cancelled")] = Trigger.Staff,
        [("fulfilled", "shipped")] = Trigger.Staff,
        [("fulfilled", "cancelled")] = Trigger.Staff,
        [("shipped", "delivered")] = Trigger.Staff,
        [("delivered", "refunded")] = Trigger.Refunds,
    };

    public static TheoryData<string, string> EveryPair()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var from in Statuses)
        {
            foreach (var to in Statuses)
            {
                pairs.Add(from, to);
            }
        }
        return pairs;
    }

    [Fact]
    public void All_IsTheSevenStatuses_InLifeOrder() => Assert.Equal(Statuses, OrderStatuses.All);

    [Fact]
    public void Legal_IsExactlyTheEightListedMoves_WithTheirTriggers()
    {
        var legal = OrderStatuses.Legal.ToDictionary(m => (m.From, m.To), m => m.By);
        Assert.Equal(8, legal.Count);
        Assert.Equal(LegalMoves.OrderBy(m => m.Key), legal.OrderBy(m => m.Key));
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void CanMove_AllowsExactlyTheListedMoves_AndNeverTheSameState(string from, string to)
    {
        var allowed = LegalMoves.ContainsKey((from, to));
        Assert.Equal(allowed, OrderStatuses.CanMove(from, to));
        if (from == to)
        {
            Assert.False(OrderStatuses.CanMove(from, to));
        }
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void CanMove_ByATrigger_AllowsOnlyThatTriggersOwnMoves(string from, string to)
    {
        foreach (var trigger in Enum.GetValues<Trigger>())
        {
            var allowed = LegalMoves.TryGetValue((from, to), out var by) && by == trigger;
            Assert.True(allowed == OrderStatuses.CanMove(from, to, trigger),
                $"{from} → {to} by {trigger}: expected {(allowed ? "allowed" : "refused")}.");
        }
    }

    [Fact]
    public void Triggers_AreExactlyPaymentStaffAndRefunds() =>
        Assert.Equal([Trigger.Payment, Trigger.Staff, Trigger.Refunds], Enum.GetValues<Trigger>());

    [Theory]
    [InlineData("pending_payment", true)]
    [InlineData("paid", true)]
    [InlineData("fulfilled", true)]
    [InlineData("shipped", false)]
    [InlineData("delivered", false)]
    [InlineData("cancelled", false)]
    [InlineData("refunded", false)]
    public void IsBeforeShipping_IsTrueExactlyWhileCancellable(string status, bool before)
    {
        Assert.Equal(before, OrderStatuses.IsBeforeShipping(status));
        Assert.Equal(before, OrderStatuses.CanMove(status, "cancelled", Trigger.Staff));
    }
}
