using System.Globalization;
using Coffer.Bench.Load;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Checkout;

/// <summary>What the checkout scenario did, for the verification: the shop, every 201 of both phases, the unknown outcomes, the burst.</summary>
internal sealed record CheckoutRun(
    LoadOptions Options, CheckoutShop Shop, IReadOnlyList<PlacedOrder> Placed, IReadOnlyList<IReadOnlyList<(Guid VariantId, int Quantity)>> Unknown,
    BurstResult Burst)
{
    public long PriceOf(Guid variantId) =>
        variantId == Shop.Hot.Id ? Shop.Hot.PriceMinor : Shop.Variants.First(v => v.Id == variantId).PriceMinor;
}

/// <summary>
/// <c>load --scenario checkout</c> (the token needs roles operator and admin): set up the shop and the customers, check out
/// concurrently for the measured time (phase 1), wait for every capture, race <see cref="LoadOptions.HotCheckouts"/> checkouts
/// for the hot variant's <see cref="LoadOptions.HotStock"/> units (phase 2), wait for those captures, then verify orders, money
/// and stock.
/// </summary>
internal static class CheckoutCommand
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(LoadOptions options, CofferApi api, string runId, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"run {runId}: {options.Variants} variants, a hot one of {options.HotStock} units, {options.Accounts} customers at {options.Url}");
        var shop = await CheckoutSetup.PrepareAsync(api, options, runId, cancellationToken);

        var workload = new CheckoutWorkload(api, shop, runId);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"phase 1: checkouts of 1-{CheckoutWorkload.MaxItems} items x 1-{CheckoutWorkload.MaxQuantity} units, paid by wallet, {options.Connections} connections, {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s measured"));
        var loadStartUtc = DateTimeOffset.UtcNow;
        var load = await new ClosedLoopRunner(workload, options, runId).RunAsync(cancellationToken);
        var loadEndUtc = DateTimeOffset.UtcNow;
        var measureStart = loadStartUtc.AddSeconds(options.WarmupSeconds);
        var measureEnd = measureStart.AddSeconds(load.MeasuredSeconds);
        Console.Error.WriteLine($"waiting for the captures of {workload.Placed.Count} orders");
        var loadCaptured = await CaptureFollower.WaitAsync(api, "phase 1", DrainLimit, cancellationToken);

        Console.Error.WriteLine($"phase 2: {options.HotCheckouts} concurrent checkouts of the hot variant ({options.HotStock} units)");
        var burst = await HotVariantBurst.RunAsync(options, shop, runId, cancellationToken);
        Console.Error.WriteLine($"  {string.Join(", ", burst.Outcomes.Select(o => $"{o.Key}: {o.Value}"))} in {burst.Seconds:0.00} s");
        var burstCaptured = await CaptureFollower.WaitAsync(api, "phase 2", DrainLimit, cancellationToken);

        Console.Error.WriteLine("verifying orders, money and stock");
        var orders = await CaptureFollower.ListOrdersAsync(api, CancellationToken.None);
        var run = new CheckoutRun(options, shop, [.. workload.Placed, .. burst.Created], [.. workload.Unknown], burst);
        var verification = await CheckoutVerifier.VerifyAsync(api, run, orders, CancellationToken.None);
        if (!loadCaptured || !burstCaptured)
        {
            verification = verification with { Problems = [.. verification.Problems, $"orders still awaited their capture after {DrainLimit.TotalMinutes:0} min"] };
        }
        var phases = new CheckoutPhases(measureStart, measureEnd, loadEndUtc, workload.Placed.Count);
        var report = CheckoutReport.Build(options, startedAt, load, phases, burst, orders, verification, runId);
        report.Save(options.JsonPath);
        Console.WriteLine(report.ToText() + CheckoutReport.Describe(verification));
        return verification.Passed ? 0 : 1;
    }
}
