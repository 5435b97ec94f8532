using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Commerce.Tests.Catalog;

/// <summary>The catalog through HTTP: admin writes, reads by the tenant's roles, validation, SKUs per tenant, If-Match on prices.</summary>
public sealed class CatalogApiTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Product_IsCreatedWithVariants_ReadByACustomer_AndListed(DatabaseProvider provider)
    {
        await using var kit = await CatalogKit.StartAsync(provider);
        var created = await kit.CreateAsync();
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(1, created.GetProperty("version").GetInt64());

        var read = await (await kit.Alice.GetAsync($"/api/v1/commerce/products/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("T-shirt", read.GetProperty("name").GetString());
        Assert.Equal("active", read.GetProperty("status").GetString());
        var variant = read.GetProperty("variants").EnumerateArray().Single();
        Assert.Equal("TEE-RED-M", variant.GetProperty("sku").GetString());
        Assert.Equal("red", variant.GetProperty("attributes").GetProperty("color").GetString());
        Assert.Equal(1999, variant.GetProperty("prices").GetProperty("USD").GetInt64());
        Assert.Equal(1799, variant.GetProperty("prices").GetProperty("EUR").GetInt64());

        await kit.CreateAsync(CatalogKit.ProductBody(sku: "MUG-1", name: "Mug"));
        var first = await (await kit.Alice.GetAsync("/api/v1/commerce/products?limit=1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(id, first.GetProperty("items")[0].GetProperty("id").GetGuid());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await kit.Alice.GetAsync($"/api/v1/commerce/products?limit=1&cursor={cursor}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Mug", second.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var audit = await DatabaseShell.ScalarAsync<long>(kit.Server.Database,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'commerce_product.created'");
        Assert.Equal(2, audit);

        // A draft is not public: the admin and operators see it, customers neither read nor list it (cached or not).
        var draft = (await kit.CreateAsync(new
        {
            name = "Coming soon", variants = new[] { new { sku = "SOON-1", prices = new Dictionary<string, long> { ["USD"] = 500 } } },
        })).GetProperty("id").GetGuid();
        Assert.Equal("draft", (await (await kit.Admin.GetAsync($"/api/v1/commerce/products/{draft}")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("status").GetString());
        await (await kit.Server.Operator().GetAsync($"/api/v1/commerce/products/{draft}")).ExpectAsync(HttpStatusCode.OK);
        await (await kit.Alice.GetAsync($"/api/v1/commerce/products/{draft}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, (await (await kit.Alice.GetAsync("/api/v1/commerce/products")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").GetArrayLength());
        Assert.Equal(3, (await (await kit.Admin.GetAsync("/api/v1/commerce/products")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").GetArrayLength());
        await (await kit.Alice.GetAsync("/api/v1/commerce/products?status=draft")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CatalogWrites_AreForAdminsOnly_ValidatedFieldByField_AndSkusUniquePerTenant(DatabaseProvider provider)
    {
        await using var kit = await CatalogKit.StartAsync(provider);
        await (await kit.Alice.PostJsonAsync("/api/v1/commerce/products", CatalogKit.ProductBody())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Server.Operator().PostJsonAsync("/api/v1/commerce/products", CatalogKit.ProductBody()))
            .ExpectAsync(HttpStatusCode.Forbidden);

        var invalid = await (await kit.Admin.PostJsonAsync("/api/v1/commerce/products", new
        {
            name = "",
            status = "sold_out",
            variants = new object[]
            {
                new { sku = "", prices = new Dictionary<string, long> { ["XXX"] = 100, ["USD"] = 0 } },
                new { sku = "A", attributes = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v"), prices = new Dictionary<string, long>() },
            },
        })).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", invalid.Code());
        var fields = invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "name", "status", "variants[0].sku", "variants[0].prices.XXX", "variants[0].prices.USD", "variants[1].attributes", "variants[1].prices",
        }, fields);
        var noVariants = await (await kit.Admin.PostJsonAsync("/api/v1/commerce/products", new { name = "Empty", variants = Array.Empty<object>() }))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("variants", noVariants.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Server.Database, "SELECT COUNT(*) FROM commerce_products"));

        await kit.CreateAsync();
        var taken = await (await kit.Admin.PostJsonAsync("/api/v1/commerce/products", CatalogKit.ProductBody(name: "Again")))
            .ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("sku_taken", taken.Code());
        // SKUs are unique per tenant only: another tenant may use the same one.
        await (await kit.Server.Admin("globex").PostJsonAsync("/api/v1/commerce/products", CatalogKit.ProductBody()))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task VariantPrices_AreReplacedUnderIfMatch_ByAdminsOnly(DatabaseProvider provider)
    {
        await using var kit = await CatalogKit.StartAsync(provider);
        var created = await kit.CreateAsync();
        var id = created.GetProperty("id").GetGuid();
        var variantId = created.GetProperty("variants")[0].GetProperty("id").GetGuid();
        var url = $"/api/v1/commerce/products/{id}/variants/{variantId}/prices";
        object Body(long usd) => new { prices = new Dictionary<string, long> { ["USD"] = usd }, idempotencyKey = Guid.NewGuid().ToString() };

        await (await kit.Alice.PutJsonAsync(url, Body(2500), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("precondition_required", (await (await kit.Admin.PutJsonAsync(url, Body(2500))).ExpectAsync((HttpStatusCode)428)).Code());
        Assert.Equal("precondition_failed",
            (await (await kit.Admin.PutJsonAsync(url, Body(2500), ifMatch: "\"7\"")).ExpectAsync(HttpStatusCode.PreconditionFailed)).Code());
        Assert.Equal("validation_failed", (await (await kit.Admin.PutJsonAsync(url, Body(-1), ifMatch: "\"1\""))
            .ExpectAsync(HttpStatusCode.BadRequest)).Code());
        await (await kit.Admin.PutJsonAsync($"/api/v1/commerce/products/{id}/variants/{Guid.NewGuid()}/prices", Body(2500), ifMatch: "\"1\""))
            .ExpectAsync(HttpStatusCode.NotFound);

        var updated = await (await kit.Admin.PutJsonAsync(url, Body(2500), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, updated.GetProperty("version").GetInt64());
        var prices = updated.GetProperty("variants")[0].GetProperty("prices");
        Assert.Equal(2500, prices.GetProperty("USD").GetInt64());
        Assert.False(prices.TryGetProperty("EUR", out _)); // replaced, not merged
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Server.Database,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'commerce_product.prices_set'"));
        // The old ETag is stale now.
        await (await kit.Admin.PutJsonAsync(url, Body(2600), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnotherTenant_GetsNotFound_ForReadsAndWrites(DatabaseProvider provider)
    {
        await using var kit = await CatalogKit.StartAsync(provider);
        var created = await kit.CreateAsync();
        var id = created.GetProperty("id").GetGuid();
        var variantId = created.GetProperty("variants")[0].GetProperty("id").GetGuid();
        // Read it once, so that a cache keyed without the tenant would answer the other tenant below.
        await (await kit.Alice.GetAsync($"/api/v1/commerce/products/{id}")).ExpectAsync(HttpStatusCode.OK);

        await (await kit.Server.Customer("mallory", "globex").GetAsync($"/api/v1/commerce/products/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await kit.Server.Admin("globex").PutJsonAsync($"/api/v1/commerce/products/{id}/variants/{variantId}/prices",
            new { prices = new Dictionary<string, long> { ["USD"] = 1 }, idempotencyKey = Guid.NewGuid().ToString() }, ifMatch: "*"))
            .ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await kit.Server.Customer("mallory", "globex").GetAsync("/api/v1/commerce/products")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").GetArrayLength());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ConcurrentCreates_WithOneSku_OneWins_TheOthersAnswerSkuTaken(DatabaseProvider provider)
    {
        await using var kit = await CatalogKit.StartAsync(provider);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            kit.Admin.PostJsonAsync("/api/v1/commerce/products", CatalogKit.ProductBody(sku: "RACE-1", name: $"Racer {i}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var lost in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("sku_taken", (await lost.ExpectAsync(HttpStatusCode.Conflict)).Code());
        }
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Server.Database, "SELECT COUNT(*) FROM commerce_variants WHERE sku = 'RACE-1'"));
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Server.Database, "SELECT COUNT(*) FROM commerce_products"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Product_IsUpdatedUnderIfMatch_AndAnIllegalStatusMove_Is409(DatabaseProvider provider)
    {
        await using var kit = await CatalogKit.StartAsync(provider);
        var id = (await kit.CreateAsync()).GetProperty("id").GetGuid();
        var url = $"/api/v1/commerce/products/{id}";
        object Body(string status, string name = "T-shirt v2") => new { name, status, idempotencyKey = Guid.NewGuid().ToString() };

        await (await kit.Alice.PutJsonAsync(url, Body("archived"), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("precondition_required", (await (await kit.Admin.PutJsonAsync(url, Body("archived"))).ExpectAsync((HttpStatusCode)428)).Code());
        var invalid = await (await kit.Admin.PutJsonAsync(url, Body("gone", name: ""), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Superset(new HashSet<string> { "name", "status" }, invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet());
        var backToDraft = await (await kit.Admin.PutJsonAsync(url, Body("draft"), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("invalid_transition", backToDraft.Code());
        Assert.Equal("active", backToDraft.GetProperty("from").GetString());

        var updated = await (await kit.Admin.PutJsonAsync(url, Body("archived"), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("T-shirt v2", "archived", 2L),
            (updated.GetProperty("name").GetString(), updated.GetProperty("status").GetString(), updated.GetProperty("version").GetInt64()));
        Assert.Single(updated.GetProperty("variants").EnumerateArray()); // the variants stay as they were
        await (await kit.Admin.PutJsonAsync(url, Body("active"), ifMatch: "\"1\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Server.Database,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'commerce_product.updated'"));
    }
}
