using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Approvals.Tests.Api;

/// <summary>Versioned policies: ETag on read and write, If-Match required to change, stale → 412, every version kept.</summary>
public sealed class PolicyTests
{
    private const string Url = "/api/v1/approvals/policies/dividend.distribute";

    private static object Body(int signatures, long usd) => new { thresholds = new Dictionary<string, long> { ["USD"] = usd }, requiredSignatures = signatures };

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Update_NeedsTheCurrentETag_StaleIs412_AndEveryVersionIsKept(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        var etag1 = await kit.CreatePolicyAsync(requiredSignatures: 2, usdThreshold: 100_000);
        Assert.Equal("\"1\"", etag1);
        var read = await kit.Admin.GetAsync(Url);
        Assert.Equal(etag1, read.Headers.ETag!.ToString());
        Assert.Equal(72 * 3600, (await read.ExpectAsync(HttpStatusCode.OK)).GetProperty("ttlSeconds").GetInt32());

        var unconditional = await (await kit.Admin.PutJsonAsync(Url, Body(3, 50_000))).ExpectAsync((HttpStatusCode)428);
        Assert.Equal("precondition_required", unconditional.Code());

        var updated = await kit.Admin.PutJsonAsync(Url, Body(3, 50_000), ifMatch: etag1);
        var v2 = await updated.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("\"2\"", 2L, 3), (updated.Headers.ETag!.ToString(), v2.GetProperty("version").GetInt64(), v2.GetProperty("requiredSignatures").GetInt32()));

        var stale = await (await kit.Admin.PutJsonAsync(Url, Body(1, 1), ifMatch: etag1)).ExpectAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("precondition_failed", stale.Code());
        var recreate = await (await kit.Admin.PutJsonAsync("/api/v1/approvals/policies/withdrawal.large", Body(1, 1), ifMatch: "\"7\""))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("precondition_failed", recreate.Code());

        var current = await (await kit.Admin.GetAsync(Url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((2L, 50_000L), (current.GetProperty("version").GetInt64(), current.GetProperty("thresholds").GetProperty("USD").GetInt64()));
        var versions = (await (await kit.Admin.GetAsync($"{Url}/versions")).ExpectAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal([2L, 1L], versions.Select(v => v.GetProperty("version").GetInt64()));
        Assert.Equal("root", versions[0].GetProperty("changedBy").GetString());
        Assert.Equal(2, versions[0].GetProperty("before").GetProperty("requiredSignatures").GetInt32());
        Assert.Equal(3, versions[0].GetProperty("after").GetProperty("requiredSignatures").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, versions[1].GetProperty("before").ValueKind);

        // Another tenant neither sees nor changes it: its first PUT creates a policy of its own.
        var globex = kit.Server.Admin("globex");
        await (await globex.GetAsync(Url)).ExpectAsync(HttpStatusCode.NotFound);
        await (await globex.GetAsync($"{Url}/versions")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await globex.GetAsync("/api/v1/approvals/policies")).ExpectAsync(HttpStatusCode.OK)).EnumerateArray());
        await (await globex.PutJsonAsync(Url, Body(1, 1), ifMatch: "\"2\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
        await (await globex.PutJsonAsync(Url, Body(1, 1))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2L, (await (await kit.Admin.GetAsync(Url)).ExpectAsync(HttpStatusCode.OK)).GetProperty("version").GetInt64());
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task InvalidPolicies_AreRefusedFieldByField_AndOnlyAdminsManagePolicies(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);

        var invalid = await (await kit.Admin.PutJsonAsync("/api/v1/approvals/policies/teleport.money",
            new { thresholds = new Dictionary<string, long> { ["usd"] = -1 }, requiredSignatures = 11, ttlSeconds = 5 }))
            .ExpectAsync(HttpStatusCode.BadRequest);
        var errors = invalid.GetProperty("errors");
        foreach (var field in new[] { "operation", "thresholds.usd", "requiredSignatures", "ttlSeconds" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
        await (await kit.Server.Operator().PutJsonAsync(Url, Body(1, 1))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Partner("p1").GetAsync(Url)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Admin.GetAsync(Url)).ExpectAsync(HttpStatusCode.NotFound);
    }
}
