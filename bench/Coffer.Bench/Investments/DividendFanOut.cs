using System.Diagnostics;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Investments;

/// <summary>The fan-out's figures: how many payouts, how long from the 202 to <c>completed</c>, and the distribution's tallies.</summary>
internal sealed record DividendResult(
    Guid DistributionId, long TotalAmount, DistributionDto Final, double ServerSeconds, double ObservedSeconds, double PayoutsPerSecond);

/// <summary>
/// One product-level dividend over every active investment of the run's product: POST …/products/{id}/dividends, then the
/// distribution is polled every 100 ms until <c>completed</c> (or <c>failed</c>). The time is the server's
/// <c>completedAt</c> minus the 202's arrival (same clock); the observed time (when a poll first saw it) is reported beside.
/// </summary>
internal static class DividendFanOut
{
    /// <summary>A prime number of minor units, so that almost no part divides evenly and the largest remainders matter.</summary>
    public const long TotalAmountMinor = 1_000_000_007;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<DividendResult> RunAsync(CofferApi api, Guid productId, string currency, string runId, TimeSpan limit,
        CancellationToken cancellationToken)
    {
        var reference = $"{runId}-dividend";
        var queued = await api.PostJsonAsync<DividendQueuedDto>($"api/v1/investment/products/{productId}/dividends",
            new { totalAmount = TotalAmountMinor, currency, reference }, reference, cancellationToken);
        var acceptedAt = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        DistributionDto distribution;
        var polls = 0;
        while (true)
        {
            distribution = await api.GetJsonAsync<DistributionDto>(
                $"api/v1/investment/products/{productId}/dividends/{queued.DistributionId}", cancellationToken);
            if (distribution.Status is "completed" or "failed" || watch.Elapsed > limit)
            {
                break;
            }
            if (++polls % 20 == 0)
            {
                Console.Error.WriteLine($"  dividend {distribution.Status}: {distribution.Paid.Count} paid, {distribution.Pending.Count} pending");
            }
            await Task.Delay(Poll, cancellationToken);
        }
        var observed = watch.Elapsed.TotalSeconds;
        var server = distribution.CompletedAt is { } done ? Math.Max(0, (done - acceptedAt).TotalSeconds) : observed;
        return new DividendResult(queued.DistributionId, TotalAmountMinor, distribution, Math.Round(server, 3), Math.Round(observed, 3),
            server > 0 ? Math.Round(distribution.Paid.Count / server, 1) : 0);
    }
}
