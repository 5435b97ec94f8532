using Coffer.Chaos.Faults;
using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Tests;

/// <summary>A seed names a run: the same seed plans the same workload and the same faults, another seed others.</summary>
public sealed class ScheduleTests
{
    private static readonly IReadOnlyList<ChaosWallet> Wallets = ChaosParties.Tenants
        .SelectMany(t => Enumerable.Range(0, ChaosParties.CustomersPerTenant).Select(i => (t.Tenant, t.Currency, Owner: $"customer-{i}")))
        .Select((w, index) => new ChaosWallet(index, w.Tenant, w.Owner, w.Currency, Guid.NewGuid()))
        .ToList();

    [Fact]
    public void TheSameSeed_PlansTheSameWorkloadAndFaults_AnotherSeedOthers()
    {
        Assert.Equal(WorkloadPlan.Create(42, Wallets, 500), WorkloadPlan.Create(42, Wallets, 500));
        Assert.Equal(FaultSchedule.Create(42, longFaults: false, nodeCount: 2), FaultSchedule.Create(42, longFaults: false, nodeCount: 2));
        Assert.NotEqual(WorkloadPlan.Create(42, Wallets, 500), WorkloadPlan.Create(43, Wallets, 500));
        Assert.NotEqual(FaultSchedule.Create(42, longFaults: false, nodeCount: 2), FaultSchedule.Create(43, longFaults: false, nodeCount: 2));
    }

    [Fact]
    public void TheFaultSchedule_StartsWithEveryKindOnce()
    {
        var kinds = Enum.GetValues<FaultKind>();

        var first = FaultSchedule.Create(7, longFaults: false, nodeCount: 2).Take(kinds.Length).Select(f => f.Kind).ToList();

        Assert.Equal(kinds.ToHashSet(), first.ToHashSet());
        Assert.Equal(kinds.Length, first.Count);
    }

    [Fact]
    public void ThePlan_FundsEveryWalletFirst_StaysInsideEachTenant_ReplaysAndRedeemsOnlyEarlierOperations()
    {
        var plan = WorkloadPlan.Create(11, Wallets, 2_000);

        Assert.All(plan.Take(Wallets.Count), (operation, i) =>
            Assert.Equal((OperationKind.Deposit, i, WorkloadPlan.FundingAmount), (operation.Kind, operation.To, operation.Amount)));
        var pairs = plan.Where(o => o.From >= 0 && o.To >= 0).ToList();
        Assert.All(pairs, o => Assert.Equal(Wallets[o.From].Tenant, Wallets[o.To].Tenant));
        Assert.All(pairs, o => Assert.NotEqual(o.From, o.To));
        Assert.All(plan.Where(o => o.Kind is OperationKind.Invest or OperationKind.Dividend), o =>
            Assert.Equal((true, -1), (o.From >= 0, o.To)));
        Assert.All(plan.Where(o => o.Kind == OperationKind.Invest), o =>
            Assert.InRange(o.Amount, ChaosParties.ProductMinAmount, ChaosParties.ProductMaxAmount));
        var redemptions = plan.Where(o => o.Kind == OperationKind.Redeem).ToList();
        Assert.All(redemptions, o =>
            Assert.True(o.ReplayOf < o.Number && plan[o.ReplayOf].Kind == OperationKind.Invest, $"{o} redeems {plan[o.ReplayOf]}"));
        Assert.Equal(redemptions.Count, redemptions.Select(o => o.ReplayOf).Distinct().Count()); // each investment redeemed once at most
        Assert.All(plan.Where(o => o.Kind == OperationKind.Replay), o =>
            Assert.True(o.ReplayOf < o.Number && plan[o.ReplayOf].Kind != OperationKind.Replay, $"{o} replays {plan[o.ReplayOf]}"));
        Assert.All(plan.Where(o => o.Kind == OperationKind.HoldCapture), o => Assert.InRange(o.CaptureAmount, 1, o.Amount));
        Assert.Equal(Enum.GetValues<OperationKind>().ToHashSet(), plan.Select(o => o.Kind).ToHashSet());
    }
}
