using System.Diagnostics;
using Coffer.Bench.Load;
using Coffer.Bench.Transfers;
using Coffer.Platform.Identity;
using Microsoft.Extensions.Configuration;

namespace Coffer.Bench.Checkout;

/// <summary>A variant on the run's shelf: its price in the run's currency and the units stocked before the load.</summary>
internal sealed record ShelfVariant(Guid Id, string Sku, long PriceMinor, long StockedUnits);

/// <summary>A buyer: their subject, a customer token of theirs, and the funded wallet they pay from.</summary>
internal sealed record Customer(string Subject, string Token, Guid WalletId);

/// <summary>What the checkout scenario sells and to whom.</summary>
internal sealed record CheckoutShop(IReadOnlyList<ShelfVariant> Variants, ShelfVariant Hot, IReadOnlyList<Customer> Customers);

/// <summary>
/// The checkout scenario's setup over the API, as an administrator and operator: one active product with
/// <see cref="LoadOptions.Variants"/> variants stocked with <see cref="PlentifulStock"/> units each, a second product whose one
/// variant gets only <see cref="LoadOptions.HotStock"/> units, and <see cref="LoadOptions.Accounts"/> customers, each with a
/// customer token (minted with the server's development key) and a wallet opened for them and funded by a deposit.
/// </summary>
internal static class CheckoutSetup
{
    public const long PlentifulStock = 1_000_000;
    public const long HotPriceMinor = 1_500;
    private const int Parallelism = 16;
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(4);

    public static async Task<CheckoutShop> PrepareAsync(CofferApi api, LoadOptions options, string runId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Prices differ per variant (and are not round), so a wrong line total cannot hide in the sums.
        var variants = await CreateProductAsync(api, options, runId, "shelf",
            Enumerable.Range(0, options.Variants).Select(i => ($"{runId}-sku-{i + 1}", 500L + 97 * i)).ToList(), PlentifulStock, cancellationToken);
        var hot = (await CreateProductAsync(api, options, runId, "hot", [($"{runId}-sku-hot", HotPriceMinor)], options.HotStock, cancellationToken))[0];
        Console.Error.WriteLine($"  catalog: {variants.Count} variants x {PlentifulStock} units, hot variant {hot.Sku} x {hot.StockedUnits} units");
        var customers = await OpenCustomersAsync(api, options, runId, cancellationToken);
        Console.Error.WriteLine($"  setup took {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        return new CheckoutShop(variants, hot, customers);
    }

    private static async Task<List<ShelfVariant>> CreateProductAsync(CofferApi api, LoadOptions options, string runId, string name,
        IReadOnlyList<(string Sku, long PriceMinor)> skus, long units, CancellationToken cancellationToken)
    {
        var product = await api.PostJsonAsync<CatalogProductDto>("api/v1/commerce/products", new
        {
            name = $"bench {runId} {name}",
            status = "active",
            variants = skus.Select(s => new { sku = s.Sku, prices = new Dictionary<string, long> { [options.Currency] = s.PriceMinor } }),
        }, $"{runId}-product-{name}", cancellationToken);
        var shelf = new List<ShelfVariant>();
        foreach (var variant in product.Variants)
        {
            var stock = await api.PostJsonAsync<StockDto>($"api/v1/commerce/inventory/{variant.Id}/adjustments",
                new { delta = units, reason = "bench stock" }, $"{runId}-stock-{variant.Id}", cancellationToken);
            if (stock.OnHand != units || stock.Reserved != 0)
            {
                throw new InvalidDataException($"Variant {variant.Sku} was stocked with {units} units but shows {stock.OnHand} on hand, {stock.Reserved} reserved.");
            }
            shelf.Add(new ShelfVariant(variant.Id, variant.Sku, variant.Prices[options.Currency], units));
        }
        return shelf;
    }

    private static async Task<Customer[]> OpenCustomersAsync(CofferApi api, LoadOptions options, string runId, CancellationToken cancellationToken)
    {
        // The server's own settings and key, as the `token` verb reads them, so the tokens validate as the operator's does.
        var settings = JwtSettings.FromConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        var keyPath = Path.Combine(options.DataDirectory!, DevelopmentSigningKey.RelativePath);
        if (!File.Exists(keyPath))
        {
            throw new InvalidOperationException($"No development signing key at {keyPath}: --data-dir is the server's data directory.");
        }
        var key = DevelopmentSigningKey.LoadOrCreate(options.DataDirectory!);
        var customers = new Customer[options.Accounts];
        var done = 0;
        await Parallel.ForAsync(0, options.Accounts,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var subject = $"{runId}-customer-{i + 1}";
                var token = TokenIssuer.Issue(key, settings, subject, options.Tenant, [Roles.Customer], TokenLifetime, TimeProvider.System);
                var wallet = await api.CreateWalletAsync(options.Currency, subject, $"bench customer {i + 1}", $"{runId}-open-{i}", ct);
                await api.DepositAsync(wallet.Id, options.DepositMinor, options.Currency, $"{runId}-deposit-{i}", $"{runId}-deposit-{i}", ct);
                customers[i] = new Customer(subject, token, wallet.Id);
                var count = Interlocked.Increment(ref done);
                if (count % 250 == 0 || count == options.Accounts)
                {
                    Console.Error.WriteLine($"  opened {count}/{options.Accounts} customers' wallets");
                }
            });
        return customers;
    }
}
