using System.Net;
using System.Net.Http.Json;
using System.Text;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Persistence;
using Coffer.Platform.Tests.Hosting;
using Coffer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coffer.Platform.Tests.Idempotency;

/// <summary>
/// <see cref="IdempotencyKeySource.HeaderOrBody"/>: the key in the <c>Idempotency-Key</c> header or the body's
/// <c>idempotencyKey</c>, through HTTP on a test module's endpoint.
/// </summary>
public sealed class BodyKeyTests
{
    private const string Things = "/api/v1/test-module/things";

    internal sealed record ThingRequest(string Name, string? IdempotencyKey);

    internal sealed record Thing(Guid Id, string Name);

    private static Task<ModuleTestHost> StartAsync(DatabaseProvider provider) =>
        ModuleTestHost.StartAsync(provider, null, _ => { }, app =>
            app.MapPost(Things, (ThingRequest request) =>
                {
                    var thing = new Thing(Guid.NewGuid(), request.Name); // a new id each time the handler runs
                    return TypedResults.Created($"{Things}/{thing.Id}", thing);
                })
                .RequireAuthorization()
                .RequireIdempotency(IdempotencyKeySource.HeaderOrBody));

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string? headerKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Things) { Content = JsonContent.Create(body) };
        if (headerKey is not null)
        {
            request.Headers.Add(IdempotencySettings.HeaderName, headerKey);
        }
        return client.SendAsync(request);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task KeyInTheBody_RunsOnce_ThenTheSameBodyReplays(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        var alice = host.Customer("alice");

        var first = await PostAsync(alice, new { name = "one", idempotencyKey = "body-1" });
        var second = await PostAsync(alice, new { name = "one", idempotencyKey = "body-1" });

        await first.ExpectAsync(HttpStatusCode.Created);
        await second.ExpectAsync(HttpStatusCode.Created);
        Assert.False(first.Headers.Contains(IdempotencySettings.ReplayedHeaderName));
        Assert.Equal("true", Assert.Single(second.Headers.GetValues(IdempotencySettings.ReplayedHeaderName)));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Fact(Timeout = 60_000)]
    public async Task SameKeyInHeaderAndBody_IsAccepted_AndReplaysLikeEitherAlone()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);
        var alice = host.Customer("alice");
        var body = new { name = "two", idempotencyKey = "both-1" };

        var first = await PostAsync(alice, body, headerKey: "both-1");
        var headerOnly = await PostAsync(alice, body, headerKey: "both-1");

        await first.ExpectAsync(HttpStatusCode.Created);
        await headerOnly.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("true", Assert.Single(headerOnly.Headers.GetValues(IdempotencySettings.ReplayedHeaderName)));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await headerOnly.Content.ReadAsStringAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task DifferentKeysInHeaderAndBody_Is400Mismatch()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);

        var problem = await (await PostAsync(host.Customer("alice"), new { name = "three", idempotencyKey = "body-key" }, headerKey: "header-key"))
            .ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("idempotency_key_mismatch", problem.Code());
    }

    [Fact(Timeout = 60_000)]
    public async Task NoKeyEitherWay_Is400MissingNamingBothPlaces()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);

        var problem = await (await PostAsync(host.Customer("alice"), new { name = "four" })).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("idempotency_key_missing", problem.Code());
        Assert.Contains("Idempotency-Key header", problem.GetProperty("detail").GetString());
        Assert.Contains("idempotencyKey", problem.GetProperty("detail").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task SameBodyKeyWithADifferentBody_Is422Reused()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);
        var alice = host.Customer("alice");
        await (await PostAsync(alice, new { name = "five", idempotencyKey = "body-5" })).ExpectAsync(HttpStatusCode.Created);

        var problem = await (await PostAsync(alice, new { name = "six", idempotencyKey = "body-5" })).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("idempotency_key_reused", problem.Code());
    }

    [Fact(Timeout = 60_000)]
    public async Task OversizedBodyKey_Is400ValidationNamingTheBodyProperty()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);

        var problem = await (await PostAsync(host.Customer("alice"), new { name = "seven", idempotencyKey = new string('k', 256) }))
            .ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.Code());
        Assert.True(problem.GetProperty("errors").TryGetProperty("idempotencyKey", out _));
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenApi_DescribesTheHeaderAsOptionalWithTheBodyAlternative()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);

        var document = await (await host.Customer("alice").GetAsync("/openapi/v1.json")).ExpectAsync(HttpStatusCode.OK);

        var header = document.GetProperty("paths").GetProperty(Things).GetProperty("post").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == IdempotencySettings.HeaderName);
        Assert.False(header.TryGetProperty("required", out var required) && required.GetBoolean());
        Assert.Contains("idempotencyKey", header.GetProperty("description").GetString());
        var transfers = document.GetProperty("paths").GetProperty("/api/v1/transfers").GetProperty("post").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == IdempotencySettings.HeaderName);
        Assert.True(transfers.GetProperty("required").GetBoolean()); // header-only endpoints are unchanged
    }

    [Theory]
    [InlineData("""{"name":"x","idempotencyKey":"k-1"}""", "k-1", false)]
    [InlineData("""{"nested":{"idempotencyKey":"inner"},"list":[{"idempotencyKey":"item"}],"name":"x"}""", null, false)]
    [InlineData("""{"idempotencyKey":null}""", null, false)]
    [InlineData("""{"idempotencyKey":42}""", null, true)]
    [InlineData("""{"idempotencyKey":{"value":"k"}}""", null, true)]
    [InlineData("""{"idempotencyKey":"a","idempotencyKey":"b"}""", null, true)]
    [InlineData("""{"idempotency\u004Bey":"escaped"}""", "escaped", false)]
    [InlineData("""["idempotencyKey","k"]""", null, false)]
    [InlineData("""{"idempotencyKey":"cut""", null, false)]
    [InlineData("", null, false)]
    public void FindInBody_ReadsOnlyTheTopLevelStringProperty(string json, string? key, bool invalid) =>
        Assert.Equal((key, invalid), IdempotencyKeys.FindInBody(Encoding.UTF8.GetBytes(json), caseInsensitive: false));
}
