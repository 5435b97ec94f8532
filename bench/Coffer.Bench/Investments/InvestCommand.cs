using System.Globalization;
using Coffer.Bench.Load;
using Coffer.Bench.Reporting;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Investments;

/// <summary>What the invest scenario did, for the verification: the run's wallets, product, the accepted executions and the dividend.</summary>
internal sealed record InvestRun(
    LoadOptions Options, string OwnerId, Guid ProductId, IReadOnlyCollection<ExecutionTicket> Executions, long ExecutionsUnknown,
    long PlacedAcknowledged, long PlacedUnknown, DividendResult? Dividend);

/// <summary>
/// <c>load --scenario invest</c>: seed and fund the wallets, create and open one product (the token needs the admin role as
/// well as operator), place and execute investments for the measured time, follow every accepted execution to its job's end,
/// then one product-level dividend over all the active investments, and verify the money.
/// </summary>
internal static class InvestCommand
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(LoadOptions options, CofferApi api, string runId, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var ownerId = runId;
        Console.Error.WriteLine($"run {runId}: seeding {options.Accounts} investor wallets at {options.Url}");
        var seeded = await Seeder.SeedAsync(api, options, ownerId, cancellationToken);
        var product = await api.PostJsonAsync<ProductDto>("api/v1/investment/products", new
        {
            name = $"bench {runId}",
            currency = options.Currency,
            minAmount = InvestWorkload.MinAmountMinor,
            maxAmount = InvestWorkload.MaxAmountMinor,
            expectedAnnualReturn = 0.05m,
            riskLevel = "low",
            termDays = 365,
        }, $"{runId}-product", cancellationToken);
        await api.PostJsonAsync<ProductDto>($"api/v1/investment/products/{product.Id}/open", new { }, $"{runId}-open", cancellationToken);

        var workload = new InvestWorkload(api, seeded.Wallets, product.Id, runId, options.Connections);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: invest (place + execute, {InvestWorkload.MinAmountMinor}-{InvestWorkload.MaxAmountMinor} minor units each), {options.Connections} connections, {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s measured"));
        var loadStartUtc = DateTimeOffset.UtcNow;
        var load = await new ClosedLoopRunner(workload, options, runId).RunAsync(cancellationToken);
        var measureStart = loadStartUtc.AddSeconds(options.WarmupSeconds);
        var measureEnd = measureStart.AddSeconds(load.MeasuredSeconds);

        Console.Error.WriteLine($"following {workload.Executions.Count} accepted executions to their jobs' end");
        var tickets = workload.Executions.ToList();
        var executions = await ExecutionFollower.FollowAsync(api, tickets, measureStart, measureEnd, DrainLimit, cancellationToken);

        Console.Error.WriteLine($"dividend fan-out over {executions.Active} active investments");
        var dividend = await DividendFanOut.RunAsync(api, product.Id, options.Currency, runId, DrainLimit, cancellationToken);

        Console.Error.WriteLine("verifying money, executions and the dividend");
        var run = new InvestRun(options, ownerId, product.Id, tickets, workload.ExecutionsUnknown, workload.Placed.Count, workload.PlacedUnknown, dividend);
        var verification = await InvestVerifier.VerifyAsync(api, run, CancellationToken.None);
        var report = InvestReport.Build(options, startedAt, load, executions, dividend, verification, runId, measureEnd);
        report.Save(options.JsonPath);
        Console.WriteLine(report.ToText() + InvestReport.Describe(verification));
        return verification.Passed ? 0 : 1;
    }
}
