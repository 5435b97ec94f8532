using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using StackExchange.Redis;

namespace Coffer.Platform.Tests.RateLimiting;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RateLimitCollection
{
    /// <summary>These tests read /metrics, which is only exact when no other test server is alive in the process.</summary>
    public const string Name = "rate-limits";
}

[Collection(RateLimitCollection.Name)]
public sealed class RateLimitTests
{
    private static Dictionary<string, string?> Policies(int reads, int writes, string? redis = null, string? prefix = null, string writesOnFailure = "deny") => new()
    {
        ["Coffer:RateLimits:Policies:reads:Permits"] = reads.ToString(),
        ["Coffer:RateLimits:Policies:reads:WindowSeconds"] = "60",
        ["Coffer:RateLimits:Policies:writes:Permits"] = writes.ToString(),
        ["Coffer:RateLimits:Policies:writes:OnRedisFailure"] = writesOnFailure,
        ["Coffer:Redis:ConnectionString"] = redis,
        ["Coffer:RateLimits:KeyPrefix"] = prefix,
        ["Coffer:RateLimits:BreakSeconds"] = "1",
    };

    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AfterTheQuota_429ProblemWithRetryAfterAndRateLimitHeaders_PerPrincipal(bool withRedis)
    {
        await using var redis = withRedis ? await ThrowawayRedis.StartAsync() : null;
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, Policies(3, 100, redis?.ConnectionString, Guid.NewGuid().ToString("N")));
        var alice = server.Customer("alice");
        var before = await server.ScrapeAsync();

        for (var i = 0; i < 3; i++)
        {
            await (await alice.GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.OK);
        }
        var refused = await alice.GetAsync("/api/v1/accounts");

        var problem = await refused.ExpectAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        Assert.InRange(retryAfter.TotalSeconds, 1, 60);
        Assert.Equal("\"reads\";q=3;w=60", string.Join(",", refused.Headers.GetValues("RateLimit-Policy")));
        Assert.Matches("^\"reads\";r=0;t=\\d+$", string.Join(",", refused.Headers.GetValues("RateLimit")));
        await (await server.Customer("bob").GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.OK); // another principal's quota
        var after = await server.ScrapeAsync();
        Assert.True((MetricsScrape.Value(after, "coffer_rate_limited_total", ("policy", "reads")) ?? 0)
            > (MetricsScrape.Value(before, "coffer_rate_limited_total", ("policy", "reads")) ?? 0));
    }

    [Fact(Timeout = 60_000)]
    public async Task TwoInstancesSharingRedis_ShareOneQuota()
    {
        await using var redis = await ThrowawayRedis.StartAsync();
        var prefix = Guid.NewGuid().ToString("N");
        await using var first = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, Policies(4, 100, redis.ConnectionString, prefix));
        await using var second = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, Policies(4, 100, redis.ConnectionString, prefix));
        var onFirst = first.Customer("alice");
        var onSecond = second.ClientFor("alice", "acme", "customer");

        for (var i = 0; i < 2; i++)
        {
            await (await onFirst.GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.OK);
            await (await onSecond.GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.OK);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await onFirst.GetAsync("/api/v1/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onSecond.GetAsync("/api/v1/accounts")).StatusCode);
    }

    [Fact(Timeout = 90_000)]
    public async Task RedisStopped_LocalPoliciesFallBackAndDenyPoliciesRefuse_RedisBack_SharedAgain()
    {
        await using var redis = await ThrowawayRedis.StartAsync();
        var prefix = Guid.NewGuid().ToString("N");
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, Policies(50, 50, redis.ConnectionString, prefix, writesOnFailure: "deny"));
        var alice = server.Customer("alice");
        await (await alice.GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.OK);
        var before = await server.ScrapeAsync();

        await redis.StopAsync();
        // reads fall back to counting in this process; writes (deny) refuse while Redis is away.
        for (var i = 0; i < 5; i++)
        {
            await (await alice.GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.OK);
        }
        var refused = await (await alice.PostJsonAsync("/api/v1/accounts", new { currency = "USD" })).ExpectAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("rate_limiter_unavailable", refused.GetProperty("code").GetString());
        // Still ready (degraded, not unhealthy): the instance keeps serving.
        using var probe = server.CreateClient();
        var ready = await (await probe.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("degraded", ready.GetProperty("status").GetString());
        Assert.Equal("degraded", ready.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        var during = await server.ScrapeAsync();
        Assert.True((MetricsScrape.Value(during, "coffer_rate_limit_fallbacks_total", ("policy", "reads")) ?? 0)
            > (MetricsScrape.Value(before, "coffer_rate_limit_fallbacks_total", ("policy", "reads")) ?? 0));

        await redis.StartAgainAsync();
        // Once the breaker lets calls through again, writes are admitted and counted in Redis.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage response;
        do
        {
            await Task.Delay(250);
            response = await alice.PostJsonAsync("/api/v1/accounts", new { currency = "USD" });
        }
        while (response.StatusCode != HttpStatusCode.Created && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var healthy = await (await probe.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", healthy.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        await using var check = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.Equal(1, await check.GetDatabase().SortedSetLengthAsync($"{prefix}:writes:acme:alice"));
    }
}
