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

    private static readonly IReadOnlyList<ChaosVariant> Variants = ChaosParties.Tenants
        .SelectMany(t => Enumerable.Range(0, ChaosShop.ScarceVariants + 1).Select(i => (t.Tenant, Sku: $"chaos-{t.Tenant}-{i}")))
        .Select((v, index) => new ChaosVariant(index, v.Tenant, Guid.NewGuid(), v.Sku, 100 + index, 10))
        .ToList();

    [Fact]
    public void TheSameSeed_PlansTheSameWorkloadAndFaults_AnotherSeedOthers()
    {
        Assert.Equal(WorkloadPlan.Create(42, Wallets, Variants, 500), WorkloadPlan.Create(42, Wallets, Variants, 500));
        Assert.Equal(FaultSchedule.Create(42, longFaults: false, nodeCount: 2), FaultSchedule.Create(42, longFaults: false, nodeCount: 2));
        Assert.NotEqual(WorkloadPlan.Create(42, Wallets, Variants, 500), WorkloadPlan.Create(43, Wallets, Variants, 500));
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
    public void ThePlan_FundsEveryWalletFirst_StaysInsideEachTenant_ReplaysRedeemsAndCancelsOnlyEarlierOperations()
    {
        var plan = WorkloadPlan.Create(11, Wallets, Variants, 2_000);

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
        Assert.All(plan.Where(o => o.Kind is OperationKind.Checkout or OperationKind.CheckoutCancel), o =>
        {
            Assert.InRange(o.Items!.Count, 1, 2);
            Assert.Equal(o.Items.Count, o.Items.Select(i => i.Variant).Distinct().Count());
            Assert.All(o.Items, i => Assert.Equal(Wallets[o.From].Tenant, Variants[i.Variant].Tenant));
            Assert.All(o.Items, i => Assert.InRange(i.Quantity, 1, WorkloadPlan.MaxQuantity));
            Assert.Equal(o.Items.Sum(i => Variants[i.Variant].UnitPrice * i.Quantity), o.Amount);
        });
        var cancellations = plan.Where(o => o.Kind == OperationKind.CancelOrder).ToList();
        Assert.All(cancellations, o => Assert.True(o.ReplayOf < o.Number && plan[o.ReplayOf].Kind == OperationKind.Checkout
            && plan[o.ReplayOf].From == o.From, $"{o} cancels {plan[o.ReplayOf]}"));
        Assert.Equal(cancellations.Count, cancellations.Select(o => o.ReplayOf).Distinct().Count()); // each order cancelled once at most
        Assert.Equal(Enum.GetValues<OperationKind>().ToHashSet(), plan.Select(o => o.Kind).ToHashSet());
    }
}
