using System.Collections.Concurrent;
using System.Diagnostics;
using Coffer.Bench.Load;
using Coffer.Bench.Measurement;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Checkout;

/// <summary>The contention phase: how the racing checkouts of the scarce variant ended, and how long they took.</summary>
internal sealed record BurstResult(
    int Requests, IReadOnlyList<PlacedOrder> Created, long Unknown, SortedDictionary<string, long> Outcomes, LatencyHistogram Latency,
    double Seconds, DateTimeOffset StartedAtUtc);

/// <summary>
/// <see cref="LoadOptions.HotCheckouts"/> one-unit checkouts of the hot variant, each by a different customer (round robin), all
/// released at once over as many connections: exactly <see cref="LoadOptions.HotStock"/> may win (201), every other one must be
/// 409 <c>out_of_stock</c>, with nothing reserved for it.
/// </summary>
internal static class HotVariantBurst
{
    public static async Task<BurstResult> RunAsync(LoadOptions options, CheckoutShop shop, string runId, CancellationToken cancellationToken)
    {
        using var api = new CofferApi(options.Url, options.Token, options.HotCheckouts, TimeSpan.FromSeconds(options.TimeoutSeconds));
        var placed = new ConcurrentQueue<PlacedOrder>();
        var unknown = new ConcurrentQueue<IReadOnlyList<(Guid VariantId, int Quantity)>>();
        var outcomes = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latency = new LatencyHistogram();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, options.HotCheckouts).Select(async i =>
        {
            var customer = shop.Customers[i % shop.Customers.Count];
            await gate.Task;
            var started = Stopwatch.GetTimestamp();
            string outcome;
            try
            {
                var result = await CheckoutWorkload.PlaceAsync(api, customer, [(shop.Hot.Id, 1)], $"{runId}-hot-{i}", placed, unknown, cancellationToken);
                outcome = result.IsSuccess ? $"{result.Status}" : $"{result.Status} {result.Code ?? "-"}";
            }
            catch (HttpRequestException failure)
            {
                outcome = $"transport {failure.HttpRequestError}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = "timeout";
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            lock (latency)
            {
                latency.Record((long)elapsed.TotalMicroseconds);
            }
            outcomes.AddOrUpdate(outcome, 1, (_, count) => count + 1);
        }).ToList();
        var startedAt = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(requests);
        return new BurstResult(options.HotCheckouts, [.. placed], unknown.Count, new SortedDictionary<string, long>(outcomes, StringComparer.Ordinal),
            latency, watch.Elapsed.TotalSeconds, startedAt);
    }
}
