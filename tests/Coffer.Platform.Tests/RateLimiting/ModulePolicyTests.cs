using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Tests.Hosting;
using Coffer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Coffer.Platform.Tests.RateLimiting;

/// <summary>Policies a module declares after the platform (<see cref="RateLimitingSetup.AddRateLimitPolicy"/>), through HTTP.</summary>
[Collection(RateLimitCollection.Name)]
public sealed class ModulePolicyTests
{
    private static void DeclarePolicies(IServiceCollection services)
    {
        services.AddRateLimitPolicy("test-hourly", 3, TimeSpan.FromHours(1));
        services.AddRateLimitPolicy("test-other", 3, TimeSpan.FromHours(1));
    }

    private static void MapEndpoints(WebApplication app)
    {
        var group = app.MapGroup("/api/v1/test-module").RequireAuthorization();
        group.MapGet("/hourly", () => TypedResults.Ok(new { ok = true })).RequireRateLimit("test-hourly");
        group.MapGet("/other", () => TypedResults.Ok(new { ok = true })).RequireRateLimit("test-other");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ModulePolicy_FourthRequestIs429WithHeaders_PerUser_AndApartFromOtherPolicies(bool withRedis)
    {
        await using var redis = withRedis ? await ThrowawayRedis.StartAsync() : null;
        var prefix = Guid.NewGuid().ToString("N");
        await using var host = await ModuleTestHost.StartAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Coffer:Redis:ConnectionString"] = redis?.ConnectionString, ["Coffer:RateLimits:KeyPrefix"] = prefix },
            DeclarePolicies, MapEndpoints);
        var alice = host.Customer("alice");

        for (var i = 0; i < 3; i++)
        {
            await (await alice.GetAsync("/api/v1/test-module/hourly")).ExpectAsync(HttpStatusCode.OK);
        }
        var refused = await alice.GetAsync("/api/v1/test-module/hourly");

        var problem = await refused.ExpectAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limited", problem.Code());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange((refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero).TotalSeconds, 1, 3600);
        Assert.Equal("\"test-hourly\";q=3;w=3600", string.Join(",", refused.Headers.GetValues("RateLimit-Policy")));
        Assert.Matches("^\"test-hourly\";r=0;t=\\d+$", string.Join(",", refused.Headers.GetValues("RateLimit")));
        await (await host.Customer("bob").GetAsync("/api/v1/test-module/hourly")).ExpectAsync(HttpStatusCode.OK); // another user's quota
        await (await alice.GetAsync("/api/v1/test-module/other")).ExpectAsync(HttpStatusCode.OK); // another policy's counter
        if (redis is not null)
        {
            await using var check = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            Assert.Equal(3, await check.GetDatabase().SortedSetLengthAsync($"{prefix}:test-hourly:acme:alice"));
            Assert.Equal(1, await check.GetDatabase().SortedSetLengthAsync($"{prefix}:test-other:acme:alice"));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ModulePolicy_ConfigurationOverridesItsDeclaredPermits()
    {
        await using var host = await ModuleTestHost.StartAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Coffer:RateLimits:Policies:test-hourly:Permits"] = "5" }, DeclarePolicies, MapEndpoints);
        var alice = host.Customer("alice");

        for (var i = 0; i < 5; i++)
        {
            await (await alice.GetAsync("/api/v1/test-module/hourly")).ExpectAsync(HttpStatusCode.OK);
        }
        var refused = await alice.GetAsync("/api/v1/test-module/hourly");

        Assert.Equal("rate_limited", (await refused.ExpectAsync(HttpStatusCode.TooManyRequests)).Code());
        Assert.Equal("\"test-hourly\";q=5;w=3600", string.Join(",", refused.Headers.GetValues("RateLimit-Policy")));
    }

    [Fact(Timeout = 60_000)]
    public async Task EndpointNamingAnUndeclaredPolicy_FailsAtStartUp()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ModuleTestHost.StartAsync(DatabaseProvider.Sqlite, null,
            DeclarePolicies, app => app.MapGet("/api/v1/test-module/typo", () => TypedResults.Ok()).RequireRateLimit("test-hourlly")));

        Assert.Contains("test-hourlly", failure.Message);
    }

    [Fact]
    public void DeclaringAnInvalidName_IsRefusedWhenDeclared() =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddRateLimitPolicy("per:user", 3, TimeSpan.FromHours(1)));

    [Fact]
    public void DeclaringOneNameTwice_IsRefusedWhenTheSettingsAreBuilt()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        RateLimitPolicySettings policy = new("test-hourly", 3, TimeSpan.FromHours(1), RedisFailureMode.Local);

        var failure = Assert.Throws<InvalidOperationException>(() => RateLimitSettings.FromConfiguration(configuration, [policy, policy]));

        Assert.Contains("test-hourly", failure.Message);
    }
}
