using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Commerce.Tests.Catalog;

/// <summary>A server for catalog tests, its cache in memory or, with <paramref name="redis"/>, in a Redis of the test's own.</summary>
internal sealed class CatalogKit : IAsyncDisposable
{
    private CatalogKit(CofferTestServer server, ThrowawayRedis? redis) => (Server, Redis) = (server, redis);

    public CofferTestServer Server { get; }
    public ThrowawayRedis? Redis { get; }
    public HttpClient Admin => Server.Admin();
    public HttpClient Alice => Server.Customer("alice");

    public static async Task<CatalogKit> StartAsync(DatabaseProvider provider, bool redis = false)
    {
        var cache = redis ? await ThrowawayRedis.StartAsync() : null;
        var settings = new Dictionary<string, string?> { ["Coffer:Commerce:CatalogCacheSeconds"] = "300" };
        if (cache is not null)
        {
            settings["Coffer:Redis:ConnectionString"] = cache.ConnectionString;
        }
        return new CatalogKit(await CofferTestServer.StartAsync(provider, settings), cache);
    }

    public static object ProductBody(string sku = "TEE-RED-M", long usd = 1999, string name = "T-shirt") => new
    {
        name,
        description = "Organic cotton",
        status = "active",
        variants = new[]
        {
            new { sku, attributes = new Dictionary<string, string> { ["color"] = "red", ["size"] = "M" }, prices = new Dictionary<string, long> { ["USD"] = usd, ["EUR"] = 1799 } },
        },
    };

    public async Task<JsonElement> CreateAsync(object? body = null) =>
        await (await Admin.PostJsonAsync("/api/v1/commerce/products", body ?? ProductBody())).ExpectAsync(HttpStatusCode.Created);

    /// <summary>The catalog cache's lookups with <paramref name="result"/> (hit or miss) so far.</summary>
    public async Task<double> CacheLookupsAsync(string result) =>
        MetricsScrape.Value(await Server.ScrapeAsync(), "coffer_catalog_cache_total", ("result", result)) ?? 0;

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
