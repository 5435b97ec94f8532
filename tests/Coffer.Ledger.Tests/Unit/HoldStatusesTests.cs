using Coffer.Ledger.Holds;

namespace Coffer.Ledger.Tests.Unit;

public sealed class HoldStatusesTests
{
    private static readonly string[] Statuses =
        [HoldStatuses.Pending, HoldStatuses.Captured, HoldStatuses.Voided, HoldStatuses.Expired];

    private static readonly HashSet<(string From, string To)> Allowed =
    [
        (HoldStatuses.Pending, HoldStatuses.Captured),
        (HoldStatuses.Pending, HoldStatuses.Voided),
        (HoldStatuses.Pending, HoldStatuses.Expired),
    ];

    public static TheoryData<string, string> AllowedTransitions()
    {
        var data = new TheoryData<string, string>();
        foreach (var (from, to) in Allowed)
        {
            data.Add(from, to);
        }
        return data;
    }

    public static TheoryData<string, string> ForbiddenTransitions()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in Statuses)
        {
            foreach (var to in Statuses.Where(to => !Allowed.Contains((from, to))))
            {
                data.Add(from, to);
            }
        }
        // Anything outside the state machine is refused too.
        data.Add(HoldStatuses.Pending, "released");
        data.Add(HoldStatuses.Pending, "CAPTURED");
        data.Add(HoldStatuses.Pending, "");
        data.Add("unknown", HoldStatuses.Captured);
        data.Add("Pending", HoldStatuses.Voided);
        return data;
    }

    [Fact]
    public void StatusConstants_AreTheContractStrings()
    {
        Assert.Equal(["pending", "captured", "voided", "expired"], Statuses);
    }

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void EnsureTransition_Allowed_DoesNotThrow(string from, string to)
    {
        var exception = Record.Exception(() => HoldStatuses.EnsureTransition(from, to));

        Assert.Null(exception);
    }

    [Theory]
    [MemberData(nameof(ForbiddenTransitions))]
    public void EnsureTransition_Forbidden_Throws(string from, string to)
    {
        var exception = Assert.ThrowsAny<InvalidOperationException>(() => HoldStatuses.EnsureTransition(from, to));

        Assert.Contains(from, exception.Message, StringComparison.Ordinal);
        Assert.Contains(to, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForbiddenTransitions_CoverEveryPairOfTheStateMachineExceptTheThreeAllowed()
    {
        var pairs = ForbiddenTransitions().Select(row => ((string)row[0], (string)row[1])).ToHashSet();

        Assert.Equal(Statuses.Length * Statuses.Length - Allowed.Count, pairs.Count(p => Statuses.Contains(p.Item1) && Statuses.Contains(p.Item2)));
    }
}
