using Coffer.Chaos.Bugs;
using Coffer.Chaos.Reporting;
using Xunit.Abstractions;

namespace Coffer.Chaos.Tests;

/// <summary>
/// The harness catches what it claims to: with a defect injected on purpose (through the database, never through Coffer's
/// code), the run fails and names it. Without faults, so that the defect is the only thing that can be found.
/// </summary>
[Collection(ChaosRunsCollection.Name)]
public sealed class InjectedBugTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Workload = TimeSpan.FromSeconds(16);

    [Fact(Timeout = 150_000)]
    public async Task ServerForgetsItsIdempotencyKeys_ReplaysApplyAgain_AndTheRunFailsWithDuplicates()
    {
        var report = await RunWithAsync(new ForgottenIdempotencyKeys());

        Assert.False(report.Passed);
        Assert.True(report.Findings.Duplicated > 0, TestRuns.Explain(report));
        Assert.Contains(report.Findings.All, f => f.Check == "replay");
        Assert.Contains(report.Findings.All, f => f.Check == "idempotency record");
        Assert.Equal(0, report.Findings.Lost);
    }

    [Fact(Timeout = 150_000)]
    public async Task ABalanceChangedBehindTheLedgersBack_IsAnInvariantViolation()
    {
        var report = await RunWithAsync(new TamperedBalance());

        Assert.False(report.Passed);
        Assert.Equal((0, 0), (report.Findings.Lost, report.Findings.Duplicated));
        var checks = report.Findings.All.Select(f => f.Check).ToHashSet();
        Assert.Superset(new HashSet<string> { "balance model", "conservation", "balance = log", "reconciliation" }, checks);
    }

    [Fact(Timeout = 150_000)]
    public async Task AnAcknowledgedTransferDeleted_IsLost()
    {
        var report = await RunWithAsync(new DeletedTransfer());

        Assert.False(report.Passed);
        var lost = Assert.Single(report.Findings.All, f => f.Check == "lost");
        Assert.Contains("/api/v1/transfers", lost.Detail);
        Assert.Equal(0, report.Findings.Duplicated);
        Assert.Contains(report.Findings.All, f => f.Check == "reconciliation");
    }

    [Fact(Timeout = 150_000)]
    public async Task AnInvestmentStuckAndAPayoutUnmarked_AreInvestmentFindings()
    {
        var report = await RunWithAsync(new UnsettledInvestment());

        Assert.False(report.Passed);
        Assert.Equal((0, 0), (report.Findings.Lost, report.Findings.Duplicated));
        var investments = report.Findings.All.Where(f => f.Check == "investments").Select(f => f.Detail).ToList();
        Assert.Contains(investments, d => d.Contains("stuck in redeeming", StringComparison.Ordinal));
        Assert.Contains(investments, d => d.Contains("payout(s) not paid", StringComparison.Ordinal));
        Assert.Contains(report.Findings.All, f => f.Check == "balance model");
    }

    [Fact(Timeout = 150_000)]
    public async Task APaidOrderCancelledWithoutItsRefund_IsACommerceFinding()
    {
        var report = await RunWithAsync(new CancelWithoutRefund());

        Assert.False(report.Passed);
        Assert.Equal((0, 0), (report.Findings.Lost, report.Findings.Duplicated));
        var commerce = report.Findings.All.Where(f => f.Check == "commerce").Select(f => f.Detail).ToList();
        Assert.Contains(commerce, d => d.Contains("0 refund transfer(s) of 0", StringComparison.Ordinal));
        Assert.Contains(commerce, d => d.Contains("merchant revenue", StringComparison.Ordinal));
        Assert.Contains(commerce, d => d.StartsWith("variant ", StringComparison.Ordinal));
        Assert.Contains(report.Findings.All, f => f.Check == "balance model");
    }

    private Task<ChaosReport> RunWithAsync(InjectedBug bug) =>
        TestRuns.RunAsync(new ChaosOptions { Seed = TestRuns.Seed(), Duration = Workload, InjectFaults = false, Bug = bug }, output);
}
