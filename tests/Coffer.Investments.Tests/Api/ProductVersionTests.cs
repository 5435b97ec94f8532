using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Api;

/// <summary>Record versioning of products: ETags, If-Match on updates (stale → 412, missing → 428), and the version history.</summary>
public sealed class ProductVersionTests
{
    internal static Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body, string? ifMatch, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    private static object Terms(string name = "Treasury ladder II", long max = 400_000) => new
    {
        name,
        minAmount = 200,
        maxAmount = max,
        expectedAnnualReturn = 0.045m,
        riskLevel = "medium",
        termDays = 180,
    };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Update_WithCurrentETag_IsTheNextVersion_StaleIs412_MissingIs428_AndHistoryHasBeforeAndAfter(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var id = await kit.OpenProductAsync(); // version 1 created, version 2 opened
        var url = $"/api/v1/investment/products/{id}";
        var read = await kit.Admin.GetAsync(url);
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
        Assert.Equal(2, (await read.ExpectAsync(HttpStatusCode.OK)).GetProperty("version").GetInt64());

        var updated = await PutAsync(kit.Admin, url, Terms(), ifMatch: "\"2\"");
        Assert.Equal("\"3\"", updated.Headers.ETag?.Tag);
        var body = await updated.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, body.GetProperty("version").GetInt64());
        Assert.Equal("Treasury ladder II", body.GetProperty("name").GetString());
        Assert.Equal(400_000, body.GetProperty("maxAmount").GetInt64());
        Assert.Equal("USD", body.GetProperty("currency").GetString());

        // A writer who read version 2 loses: 412, and nothing changes.
        var stale = await (await PutAsync(kit.Admin, url, Terms("Lost update"), ifMatch: "\"2\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("precondition_failed", stale.Code());
        Assert.Equal(3, stale.GetProperty("currentVersion").GetInt64());
        Assert.Equal("precondition_required", (await (await PutAsync(kit.Admin, url, Terms("No precondition"), ifMatch: null))
            .ExpectAsync((HttpStatusCode)428)).Code());
        Assert.Equal("validation_failed", (await (await PutAsync(kit.Admin, url, Terms(), ifMatch: "W/\"x\""))
            .ExpectAsync(HttpStatusCode.BadRequest)).Code());
        var invalid = await (await PutAsync(kit.Admin, url, new { name = "", minAmount = 5, maxAmount = 1, expectedAnnualReturn = 2m,
            riskLevel = "wild", termDays = 0 }, ifMatch: "\"3\"")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Superset(new HashSet<string> { "name", "maxAmount", "expectedAnnualReturn", "riskLevel", "termDays" },
            invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet());
        await (await PutAsync(kit.Ops, url, Terms(), ifMatch: "\"3\"")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Treasury ladder II", (await kit.ProductAsync(id)).GetProperty("name").GetString());

        // Closing is a version too.
        await (await kit.Admin.PostJsonAsync($"{url}/close", null)).ExpectAsync(HttpStatusCode.OK);
        var history = await (await kit.Ops.GetAsync($"{url}/versions")).ExpectAsync(HttpStatusCode.OK);
        var versions = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L, 4L], versions.Select(v => v.GetProperty("version").GetInt64()));
        Assert.Equal(["created", "opened", "updated", "closed"], versions.Select(v => v.GetProperty("action").GetString()));
        Assert.Equal(JsonValueKind.Null, versions[0].GetProperty("before").ValueKind);
        Assert.All(versions, v => Assert.Equal("root", v.GetProperty("changedBy").GetString()));
        var update = versions[2];
        Assert.Equal("Treasury ladder", update.GetProperty("before").GetProperty("name").GetString());
        Assert.Equal(2, update.GetProperty("before").GetProperty("version").GetInt64());
        Assert.Equal("Treasury ladder II", update.GetProperty("after").GetProperty("name").GetString());
        Assert.Equal("closed", versions[3].GetProperty("after").GetProperty("status").GetString());
        await (await kit.Alice.GetAsync($"{url}/versions")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Ops.GetAsync($"/api/v1/investment/products/{Guid.NewGuid()}/versions")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ConcurrentUpdates_WithTheSameETag_OneWins_TheOthersAre412(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var id = await kit.OpenProductAsync();
        var url = $"/api/v1/investment/products/{id}";
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PutAsync(kit.Admin, url, Terms($"Writer {i}"), ifMatch: "\"2\"")));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.PreconditionFailed));
        Assert.Equal(3, (await kit.ProductAsync(id)).GetProperty("version").GetInt64());
        Assert.Equal(3L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM investment_product_versions"));
    }
}
