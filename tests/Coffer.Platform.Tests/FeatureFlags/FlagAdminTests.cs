using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Platform.Tests.FeatureFlags;

/// <summary>Managing flags through <c>/api/v1/admin/flags</c>, and reading them through <c>/api/v1/flags/evaluate</c>.</summary>
public sealed class FlagAdminTests
{
    private static object Body(bool enabled = true, bool killSwitch = false, decimal rolloutPercentage = 100, object? overrides = null,
        string? description = null) =>
        new { enabled, killSwitch, rolloutPercentage, description, overrides };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Flag_IsCreatedReadReplacedAndDeleted_WithVersionedETags(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var admin = server.PlatformAdmin();

        var created = await admin.PutJsonAsync("/api/v1/admin/flags/new_checkout", Body(rolloutPercentage: 5, description: "canary",
            overrides: new { users = new[] { new { tenant = "acme", subject = "alice", enabled = true } }, tenants = new[] { new { tenant = "globex", enabled = false } } }));
        var flag = await created.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal("/api/v1/admin/flags/new_checkout", created.Headers.Location?.OriginalString);
        Assert.Equal(5m, flag.GetProperty("rolloutPercentage").GetDecimal());
        Assert.Equal("root", flag.GetProperty("updatedBy").GetString());
        Assert.False(flag.GetProperty("declared").GetBoolean());
        Assert.Equal("alice", flag.GetProperty("overrides").GetProperty("users")[0].GetProperty("subject").GetString());

        var read = await admin.GetAsync("/api/v1/admin/flags/new_checkout");
        Assert.Equal(flag.GetRawText(), (await read.ExpectAsync(HttpStatusCode.OK)).GetRawText());
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);

        var replaced = await admin.PutJsonAsync("/api/v1/admin/flags/new_checkout", Body(rolloutPercentage: 25), ifMatch: "\"1\"");
        var second = await replaced.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, second.GetProperty("version").GetInt64());
        Assert.Equal(0, second.GetProperty("overrides").GetProperty("users").GetArrayLength());
        Assert.Equal(flag.GetProperty("createdAt").GetDateTimeOffset(), second.GetProperty("createdAt").GetDateTimeOffset());

        // A change based on a version that is no longer current is refused, and changes nothing.
        var stale = await admin.PutJsonAsync("/api/v1/admin/flags/new_checkout", Body(killSwitch: true), ifMatch: "\"1\"");
        Assert.Equal("precondition_failed", (await stale.ExpectAsync(HttpStatusCode.PreconditionFailed)).Code());
        var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/admin/flags/new_checkout");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await admin.SendAsync(staleDelete)).ExpectAsync(HttpStatusCode.PreconditionFailed);

        var list = await (await admin.GetAsync("/api/v1/admin/flags")).ExpectAsync(HttpStatusCode.OK);
        var keys = list.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("key").GetString()).ToList();
        Assert.Contains("new_checkout", keys);
        Assert.Contains("ledger_reversals_enabled", keys); // seeded, enabled, by its migration
        Assert.Equal(0, list.GetProperty("missing").GetArrayLength());

        await (await admin.DeleteAsync("/api/v1/admin/flags/new_checkout")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("not_found", (await (await admin.GetAsync("/api/v1/admin/flags/new_checkout")).ExpectAsync(HttpStatusCode.NotFound)).Code());
        await (await admin.DeleteAsync("/api/v1/admin/flags/new_checkout")).ExpectAsync(HttpStatusCode.NotFound);
        // If-Match: * means "only if it exists".
        var ifExists = await admin.PutJsonAsync("/api/v1/admin/flags/new_checkout", Body(), ifMatch: "*");
        await ifExists.ExpectAsync(HttpStatusCode.PreconditionFailed);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task FlagChanges_AreAudited_WithActorAndBeforeAfter(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var admin = server.PlatformAdmin();
        await (await admin.PutJsonAsync("/api/v1/admin/flags/audited", Body(rolloutPercentage: 1))).ExpectAsync(HttpStatusCode.Created);
        await (await admin.PutJsonAsync("/api/v1/admin/flags/audited", Body(killSwitch: true))).ExpectAsync(HttpStatusCode.OK);
        await (await admin.DeleteAsync("/api/v1/admin/flags/audited")).ExpectAsync(HttpStatusCode.NoContent);

        var trail = await (await admin.GetAsync("/api/v1/admin/audit?resourceType=feature_flag&resourceId=audited")).ExpectAsync(HttpStatusCode.OK);
        var events = trail.GetProperty("items").EnumerateArray().Reverse().ToList(); // oldest first
        Assert.Equal(["flag.created", "flag.updated", "flag.deleted"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.All(events, e => Assert.Equal("root", e.GetProperty("actor").GetString()));
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("before").ValueKind);
        Assert.Equal(1m, events[0].GetProperty("after").GetProperty("rolloutPercentage").GetDecimal());
        Assert.False(events[1].GetProperty("before").GetProperty("killSwitch").GetBoolean());
        Assert.True(events[1].GetProperty("after").GetProperty("killSwitch").GetBoolean());
        Assert.True(events[2].GetProperty("before").GetProperty("killSwitch").GetBoolean());
        Assert.Equal(JsonValueKind.Null, events[2].GetProperty("after").ValueKind);
    }

    [Fact(Timeout = 60_000)]
    public async Task OnlyPlatformAdministrators_ManageFlags()
    {
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite);
        var strangers = new[]
        {
            server.Admin(), // an administrator of a customer tenant: flags are platform-wide
            server.ClientFor("ops", RoleClients.PlatformTenant, "operator"),
            server.ClientFor("svc", RoleClients.PlatformTenant, "service"),
            server.Customer("alice"),
        };
        foreach (var client in strangers)
        {
            await (await client.GetAsync("/api/v1/admin/flags")).ExpectAsync(HttpStatusCode.Forbidden);
            await (await client.PutJsonAsync("/api/v1/admin/flags/x", Body())).ExpectAsync(HttpStatusCode.Forbidden);
            await (await client.DeleteAsync("/api/v1/admin/flags/ledger_reversals_enabled")).ExpectAsync(HttpStatusCode.Forbidden);
        }
        await (await server.CreateClient().GetAsync("/api/v1/admin/flags")).ExpectAsync(HttpStatusCode.Unauthorized);
        var list = await (await server.PlatformAdmin().GetAsync("/api/v1/admin/flags")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), f => f.GetProperty("key").GetString() == "x");
    }

    [Fact(Timeout = 60_000)]
    public async Task InvalidChanges_Are400_WithEveryBadField()
    {
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite);
        var admin = server.PlatformAdmin();
        var bad = await (await admin.PutJsonAsync("/api/v1/admin/flags/Bad Key", new { rolloutPercentage = 101 })).ExpectAsync(HttpStatusCode.BadRequest);
        var fields = bad.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["enabled", "key", "killSwitch", "rolloutPercentage"], fields.Order(StringComparer.Ordinal));
        var unknown = await admin.PutJsonAsync("/api/v1/admin/flags/ok", new { enabled = true, killSwitch = false, rolloutPercentage = 100, colour = "red" });
        await unknown.ExpectAsync(HttpStatusCode.BadRequest);
        var badIfMatch = await admin.PutJsonAsync("/api/v1/admin/flags/ok", Body(), ifMatch: "W/\"1\"");
        Assert.Contains("If-Match", (await badIfMatch.ExpectAsync(HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        await (await admin.GetAsync("/api/v1/admin/flags/ok")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Evaluate_ResolvesEachLevelForTheCaller(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var admin = server.PlatformAdmin();
        await (await admin.PutJsonAsync("/api/v1/admin/flags/levels", Body(enabled: false, overrides: new
        {
            users = new[] { new { tenant = "acme", subject = "alice", enabled = true } },
            funds = new[] { new { fund = "fund-7", enabled = true } },
            tenants = new[] { new { tenant = "globex", enabled = true } },
        }))).ExpectAsync(HttpStatusCode.Created);
        await (await admin.PutJsonAsync("/api/v1/admin/flags/killed", Body(killSwitch: true, overrides: new
        {
            users = new[] { new { tenant = "acme", subject = "alice", enabled = true } },
        }))).ExpectAsync(HttpStatusCode.Created);

        async Task<Dictionary<string, (bool, string)>> EvaluateAsync(HttpClient client, string query)
        {
            var response = await client.GetAsync($"/api/v1/flags/evaluate?{query}");
            var body = await response.ExpectAsync(HttpStatusCode.OK);
            Assert.True(response.Headers.CacheControl is { Private: true, NoStore: true }, "evaluations are private to the caller");
            return body.GetProperty("items").EnumerateArray().ToDictionary(e => e.GetProperty("key").GetString()!,
                e => (e.GetProperty("enabled").GetBoolean(), e.GetProperty("reason").GetString()!));
        }

        Assert.Equal((true, "user"), (await EvaluateAsync(server.Customer("alice"), "keys=levels"))["levels"]);
        Assert.Equal((false, "disabled"), (await EvaluateAsync(server.Customer("bob"), "keys=levels"))["levels"]);
        Assert.Equal((true, "fund"), (await EvaluateAsync(server.Customer("bob"), "keys=levels&fund=fund-7"))["levels"]);
        Assert.Equal((true, "tenant"), (await EvaluateAsync(server.Customer("bob", "globex"), "keys=levels"))["levels"]);
        // Alice of globex is another user than Alice of acme.
        Assert.Equal((true, "tenant"), (await EvaluateAsync(server.Customer("alice", "globex"), "keys=levels"))["levels"]);
        var alice = await EvaluateAsync(server.Customer("alice"), "keys=killed,levels,never_created");
        Assert.Equal((false, "kill_switch"), alice["killed"]);
        Assert.Equal((false, "missing"), alice["never_created"]);

        await (await server.Customer("alice").GetAsync("/api/v1/flags/evaluate")).ExpectAsync(HttpStatusCode.BadRequest);
        await (await server.Customer("alice").GetAsync("/api/v1/flags/evaluate?keys=NOT_A_KEY")).ExpectAsync(HttpStatusCode.BadRequest);
        var tooMany = string.Join(",", Enumerable.Range(0, 51).Select(i => $"k{i}"));
        await (await server.Customer("alice").GetAsync($"/api/v1/flags/evaluate?keys={tooMany}")).ExpectAsync(HttpStatusCode.BadRequest);
    }
}
