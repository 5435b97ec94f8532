using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Npgsql;

namespace Coffer.Platform.Tests.Health;

public sealed class HealthEndpointTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ProbesAndAliases_AnswerAnonymously(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var anonymous = server.CreateClient();

        foreach (var path in new[] { "/health/live", "/live", "/health/ready", "/ready" })
        {
            var response = await anonymous.GetAsync(path);
            var body = await response.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("healthy", body.GetProperty("status").GetString());
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
        var ready = await (await anonymous.GetAsync("/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DetailedHealth_IsForOperatorsAndShowsLatencyMemoryUptimeAndVersion(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.CreateClient().GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.ClientFor("alice", "acme", "customer").GetAsync("/health")).StatusCode);
        var detail = await (await server.ClientFor("ops", "acme", "operator").GetAsync("/health")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("healthy", detail.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("version").GetString()));
        Assert.True(detail.GetProperty("uptimeSeconds").GetDouble() >= 0);
        Assert.True(detail.GetProperty("memory").GetProperty("workingSetBytes").GetInt64() > 0);
        var database = detail.GetProperty("dependencies").GetProperty("database");
        Assert.Equal("healthy", database.GetProperty("status").GetString());
        Assert.True(database.GetProperty("latencyMilliseconds").GetDouble() >= 0);
        Assert.Equal(HttpStatusCode.OK, (await server.ClientFor("root", "acme", "admin").GetAsync("/health")).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Ready_WhenTheSchemaFallsBehind_Is503Unhealthy_WhileLiveStays200()
    {
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Postgres);
        var anonymous = server.CreateClient();
        await using (var owner = new NpgsqlConnection(server.Database.AdminConnectionString))
        {
            await owner.OpenAsync();
            await using var forget = new NpgsqlCommand(
                """DELETE FROM schema_migrations WHERE "MigrationId" = (SELECT max("MigrationId") FROM schema_migrations)""", owner);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }

        var ready = await (await anonymous.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal("unhealthy", ready.GetProperty("status").GetString());
        Assert.Contains("migrate up", ready.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/live")).StatusCode);
    }
}
