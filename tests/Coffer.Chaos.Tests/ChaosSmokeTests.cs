using Coffer.Chaos.Faults;
using Coffer.Chaos.Workload;
using Xunit.Abstractions;

namespace Coffer.Chaos.Tests;

/// <summary>
/// The chaos smoke CI runs on every submission (docs/reliability.md): its own PostgreSQL, Redis and RabbitMQ, two servers, a
/// minute of seeded money and checkout workload while every kind of fault is injected at least once, then every check. Within 3 minutes.
/// </summary>
[Collection(ChaosRunsCollection.Name)]
public sealed class ChaosSmokeTests(ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task EveryKindOfFault_DuringAMoneyWorkload_LosesAndDuplicatesNothing()
    {
        var options = new ChaosOptions { Seed = TestRuns.Seed(), Duration = TimeSpan.FromSeconds(55) };

        var report = await TestRuns.RunAsync(options, output);

        Assert.True(report.Passed, TestRuns.Explain(report));
        Assert.Equal(Enum.GetValues<FaultKind>().ToHashSet(), report.FaultKinds);
        Assert.Equal((0, 0, 0), (report.Findings.Lost, report.Findings.Duplicated, report.Findings.InvariantViolations));
        // The run moved real money through every path, and clients replayed answered requests.
        foreach (var kind in new[] { OperationKind.Deposit, OperationKind.Transfer, OperationKind.HoldCapture, OperationKind.HoldVoid, OperationKind.Withdrawal })
        {
            Assert.True(report.Operations.Count(r => r.Plan.Kind == kind && r.Acknowledged) >= 10, $"too few acknowledged {kind}s\n{TestRuns.Explain(report)}");
        }
        Assert.True(report.Operations.Count(r => r.Verdict == ReplayVerdict.Same) >= 10, TestRuns.Explain(report));
        Assert.True(report.WithdrawalStatuses.GetValueOrDefault("paid") > 0, TestRuns.Explain(report));
        // Orders were placed, some refused for stock, and cancelled both before and after their payment.
        Assert.True(report.Operations.Count(r => r.Plan.Kind == OperationKind.Checkout && r.Acknowledged) >= 10, TestRuns.Explain(report));
        Assert.Contains(report.Operations, r => r.Plan.Kind is OperationKind.Checkout or OperationKind.CheckoutCancel && r.FirstOutcome?.Code == "out_of_stock");
        Assert.Contains(report.Operations, r => r.Plan.Kind == OperationKind.CheckoutCancel && r.SecondOutcome?.Kind == OutcomeKind.Succeeded);
        Assert.Contains(report.Operations, r => r.Plan.Kind == OperationKind.CancelOrder && r.Acknowledged);
    }
}
