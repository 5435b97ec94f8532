using System.Text.Json;

namespace Coffer.Chaos.Workload;

/// <summary>A variant of a tenant's shop: its price in the tenant's currency and the stock the admin put on the shelf at setup.</summary>
internal sealed record ChaosVariant(int Index, string Tenant, Guid Id, string Sku, long UnitPrice, long InitialStock);

/// <summary>
/// Each tenant's shop: an admin creates one active product with <see cref="ScarceVariants"/> variants of little stock (so
/// checkouts meet <c>out_of_stock</c> within a minute, and cancellations put units back) and one of ample stock, prices and
/// stock drawn from the seed, then stocks every variant by an adjustment — all before the faults start.
/// </summary>
internal static class ChaosShop
{
    public const int ScarceVariants = 3;
    public const long AmpleStock = 100_000;
    private static readonly TimeSpan SetupLimit = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<ChaosVariant>> OpenAsync(
        int seed, IReadOnlyDictionary<string, ChaosCaller> admins, RetryingClient client, Random random)
    {
        var variants = new List<ChaosVariant>();
        foreach (var (tenant, currency) in ChaosParties.Tenants)
        {
            var planned = Enumerable.Range(0, ScarceVariants + 1)
                .Select(i => (Sku: $"chaos-{tenant}-{i}", Price: random.NextInt64(100, 5_001), Stock: i < ScarceVariants ? random.NextInt64(15, 46) : AmpleStock))
                .ToList();
            var created = await SendAsync(client, random, ApiRequest.Post($"chaos-{seed}-shop-{tenant}", "/api/v1/commerce/products", admins[tenant],
                new
                {
                    name = "chaos shop", status = "active",
                    variants = planned.Select(v => new { sku = v.Sku, prices = new Dictionary<string, long> { [currency] = v.Price } }),
                }), $"creating the shop of {tenant}");
            var ids = VariantIds(created.Body);
            foreach (var (sku, price, stock) in planned)
            {
                var id = ids[sku];
                await SendAsync(client, random, ApiRequest.Post($"chaos-{seed}-stock-{sku}", $"/api/v1/commerce/inventory/{id}/adjustments", admins[tenant],
                    new { delta = stock, reason = "chaos harness: initial stock" }), $"stocking {sku}");
                variants.Add(new ChaosVariant(variants.Count, tenant, id, sku, price, stock));
            }
        }
        return variants;
    }

    private static async Task<ApiOutcome> SendAsync(RetryingClient client, Random random, ApiRequest request, string what)
    {
        var outcome = await client.SendAsync(request, random, SetupLimit, CancellationToken.None);
        return outcome.Kind == OutcomeKind.Succeeded ? outcome : throw new InvalidOperationException($"{what} failed before any fault: {outcome}");
    }

    private static Dictionary<string, Guid> VariantIds(string productBody)
    {
        using var document = JsonDocument.Parse(productBody);
        return document.RootElement.GetProperty("variants").EnumerateArray()
            .ToDictionary(v => v.GetProperty("sku").GetString()!, v => v.GetProperty("id").GetGuid(), StringComparer.Ordinal);
    }
}
