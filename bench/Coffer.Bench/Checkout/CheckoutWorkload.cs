using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Coffer.Bench.Load;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Checkout;

/// <summary>An order the server created (201): its buyer's wallet, its total and the units of each variant it reserved.</summary>
internal sealed record PlacedOrder(Guid OrderId, Guid WalletId, long TotalMinor, IReadOnlyList<(Guid VariantId, int Quantity)> Items);

/// <summary>
/// The checkout scenario's measured phase: each worker checks out as a random customer, 1 to <see cref="MaxItems"/> distinct
/// variants of the shelf, 1 to <see cref="MaxQuantity"/> units each, paid from the customer's wallet. The 201s are kept for the
/// verification (the totals the buyers' wallets and the merchant must show, the units the stock must have lost).
/// </summary>
internal sealed class CheckoutWorkload(CofferApi api, CheckoutShop shop, string runId) : IWorkload
{
    public const int MaxItems = 3;
    public const int MaxQuantity = 3;

    public IReadOnlyList<string> Kinds { get; } = ["post-order"];

    public ConcurrentQueue<PlacedOrder> Placed { get; } = new();

    /// <summary>Checkouts without a definitive answer (timeout, broken connection): each may have created an order.</summary>
    public ConcurrentQueue<IReadOnlyList<(Guid VariantId, int Quantity)>> Unknown { get; } = new();

    public PlannedOperation Next(int worker, long sequence, Random random)
    {
        var customer = shop.Customers[random.Next(shop.Customers.Count)];
        var picked = new HashSet<int>();
        var count = random.Next(1, Math.Min(MaxItems, shop.Variants.Count) + 1);
        while (picked.Count < count)
        {
            picked.Add(random.Next(shop.Variants.Count));
        }
        var items = picked.Select(i => (shop.Variants[i].Id, random.Next(1, MaxQuantity + 1))).ToList();
        return new PlannedOperation(0, 0, ct => PlaceAsync(api, customer, items, $"{runId}-order-{worker}-{sequence}", Placed, Unknown, ct));
    }

    /// <summary>One wallet checkout as <paramref name="customer"/>; a 201 goes into <paramref name="placed"/>, an unknown outcome into <paramref name="unknown"/>.</summary>
    public static async Task<ApiOutcome> PlaceAsync(CofferApi api, Customer customer, IReadOnlyList<(Guid VariantId, int Quantity)> items, string key,
        ConcurrentQueue<PlacedOrder> placed, ConcurrentQueue<IReadOnlyList<(Guid VariantId, int Quantity)>> unknown, CancellationToken cancellationToken)
    {
        try
        {
            var (outcome, orderId, total) = await api.CheckoutAsync(Body(items, customer.WalletId), key, customer.Token, cancellationToken);
            if (orderId is { } id)
            {
                placed.Enqueue(new PlacedOrder(id, customer.WalletId, total, items));
            }
            return outcome;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            unknown.Enqueue(items);
            throw;
        }
    }

    /// <summary>Hand-built JSON, as the transfer workloads do: the generator shares the cores with the server.</summary>
    private static string Body(IReadOnlyList<(Guid VariantId, int Quantity)> items, Guid walletId)
    {
        var body = new StringBuilder(64 + items.Count * 64).Append("{\"items\":[");
        for (var i = 0; i < items.Count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"variantId\":\"{items[i].VariantId}\",\"quantity\":{items[i].Quantity}}}");
        }
        return body.Append(CultureInfo.InvariantCulture, $"],\"payment\":{{\"method\":\"wallet\",\"accountId\":\"{walletId}\"}}}}").ToString();
    }
}
