using System.Diagnostics;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Checkout;

/// <summary>
/// Waits for the capture jobs: polls the tenant's <c>pending_payment</c> orders (one page, newest first) every 250 ms until there
/// are none or the limit passes. How long each capture took comes afterwards from the orders themselves (<c>paidAt</c> minus
/// <c>createdAt</c>, both the server's clock), so the polling interval does not enter any figure.
/// </summary>
internal static class CaptureFollower
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>True when no order awaits its payment any more.</summary>
    public static async Task<bool> WaitAsync(CofferApi api, string phase, TimeSpan limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var reported = Stopwatch.StartNew();
        while (true)
        {
            var page = await api.GetJsonAsync<Page<OrderDto>>("api/v1/commerce/orders?status=pending_payment&limit=200", cancellationToken);
            var pending = page.NextCursor is null ? $"{page.Items.Count}" : $"{page.Items.Count}+";
            if (page.Items.Count == 0 || watch.Elapsed > limit)
            {
                Console.Error.WriteLine($"  {phase}: {pending} order(s) awaiting capture after {watch.Elapsed.TotalSeconds:0.0} s");
                return page.Items.Count == 0;
            }
            if (reported.Elapsed >= TimeSpan.FromSeconds(2))
            {
                Console.Error.WriteLine($"  {phase}: {pending} order(s) awaiting capture");
                reported.Restart();
            }
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Every order of the tenant (the run's database is fresh: all of them are the run's), page by page.</summary>
    public static async Task<List<OrderDto>> ListOrdersAsync(CofferApi api, CancellationToken cancellationToken)
    {
        var all = new List<OrderDto>();
        string? cursor = null;
        do
        {
            var page = await api.GetJsonAsync<Page<OrderDto>>("api/v1/commerce/orders?limit=200"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), cancellationToken);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}
