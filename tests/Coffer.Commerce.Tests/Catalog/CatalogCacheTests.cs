using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using StackExchange.Redis;

namespace Coffer.Commerce.Tests.Catalog;

/// <summary>Tests that read <c>/metrics</c> run alone: OpenTelemetry's meters are process-wide, other servers' lookups would count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CatalogMetricsCollection
{
    public const string Name = "catalog-metrics";
}

/// <summary>Cache-aside reads of a product: a second read is a hit; a price update invalidates; in memory and in Redis.</summary>
[Collection(CatalogMetricsCollection.Name)]
public sealed class CatalogCacheTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, false)]
    [InlineData(DatabaseProvider.Sqlite, true)]
    [InlineData(DatabaseProvider.Postgres, false)]
    [InlineData(DatabaseProvider.Postgres, true)]
    public async Task SecondRead_IsAHit_AndAPriceUpdate_IsSeenByTheNextRead(DatabaseProvider provider, bool redis)
    {
        await using var kit = await CatalogKit.StartAsync(provider, redis);
        var created = await kit.CreateAsync();
        var id = created.GetProperty("id").GetGuid();
        var variantId = created.GetProperty("variants")[0].GetProperty("id").GetGuid();
        var url = $"/api/v1/commerce/products/{id}";

        var (hits, misses) = (await kit.CacheLookupsAsync("hit"), await kit.CacheLookupsAsync("miss"));
        await (await kit.Alice.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        var second = await (await kit.Alice.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1999, second.GetProperty("variants")[0].GetProperty("prices").GetProperty("USD").GetInt64());
        Assert.Equal(misses + 1, await kit.CacheLookupsAsync("miss"));
        Assert.Equal(hits + 1, await kit.CacheLookupsAsync("hit"));
        var key = $"coffer:catalog:acme:product:{id:N}";
        if (kit.Redis is not null)
        {
            // The entry is Redis's, shared by every instance, and expires.
            await using var connection = await ConnectionMultiplexer.ConnectAsync(kit.Redis.ConnectionString);
            Assert.True(await connection.GetDatabase().KeyExistsAsync(key));
            Assert.InRange((await connection.GetDatabase().KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300));
        }

        await (await kit.Admin.PutJsonAsync($"{url}/variants/{variantId}/prices",
            new { prices = new Dictionary<string, long> { ["USD"] = 2500 }, idempotencyKey = Guid.NewGuid().ToString() }, ifMatch: "\"1\""))
            .ExpectAsync(HttpStatusCode.OK);
        if (kit.Redis is not null)
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(kit.Redis.ConnectionString);
            Assert.False(await connection.GetDatabase().KeyExistsAsync(key));
        }
        var after = await (await kit.Alice.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2500, after.GetProperty("variants")[0].GetProperty("prices").GetProperty("USD").GetInt64());
        Assert.Equal(2, after.GetProperty("version").GetInt64());
        Assert.Equal(misses + 2, await kit.CacheLookupsAsync("miss"));

        // A change of the product itself invalidates too.
        await (await kit.Admin.PutJsonAsync(url, new { name = "Renamed", status = "active", idempotencyKey = Guid.NewGuid().ToString() },
            ifMatch: "\"2\"")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", (await (await kit.Alice.GetAsync(url)).ExpectAsync(HttpStatusCode.OK)).GetProperty("name").GetString());
        Assert.Equal(misses + 3, await kit.CacheLookupsAsync("miss"));
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisDown_ReadsFallBackToMemory_AndStillInvalidate()
    {
        await using var kit = await CatalogKit.StartAsync(DatabaseProvider.Sqlite, redis: true);
        var created = await kit.CreateAsync();
        var id = created.GetProperty("id").GetGuid();
        var variantId = created.GetProperty("variants")[0].GetProperty("id").GetGuid();
        var url = $"/api/v1/commerce/products/{id}";
        await kit.Redis!.StopAsync();

        var hits = await kit.CacheLookupsAsync("hit");
        await (await kit.Alice.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        await (await kit.Alice.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(hits + 1, await kit.CacheLookupsAsync("hit"));

        await (await kit.Admin.PutJsonAsync($"{url}/variants/{variantId}/prices",
            new { prices = new Dictionary<string, long> { ["USD"] = 2500 }, idempotencyKey = Guid.NewGuid().ToString() }, ifMatch: "\"1\""))
            .ExpectAsync(HttpStatusCode.OK);
        var after = await (await kit.Alice.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2500, after.GetProperty("variants")[0].GetProperty("prices").GetProperty("USD").GetInt64());
    }
}
