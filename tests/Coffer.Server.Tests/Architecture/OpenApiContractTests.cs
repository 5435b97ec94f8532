using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Webhooks;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Architecture;

/// <summary>The published OpenAPI document tells the truth about the API the app maps.</summary>
public sealed partial class OpenApiContractTests
{
    /// <summary>Every POST that moves money or creates a resource (issue 2's API contract) needs an Idempotency-Key.</summary>
    private static readonly string[] IdempotentPosts =
    [
        "/api/v1/accounts",
        "/api/v1/deposits",
        "/api/v1/transfers",
        "/api/v1/transfers/batch",
        "/api/v1/transfers/{id}/reversal",
        "/api/v1/holds",
        "/api/v1/holds/{id}/capture",
        "/api/v1/holds/{id}/void",
    ];

    [Fact(Timeout = 60_000)]
    public async Task OpenApiDocument_ListsEveryMappedApiRouteAndTheIdempotencyKeyOfEveryPost()
    {
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite);
        using var client = server.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.JsonAsync()).GetProperty("paths");
        var documented = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Method: o.Name.ToUpperInvariant(), Path: Normalize(p.Name), Operation: o.Value)))
            .ToDictionary(o => $"{o.Method} {o.Path}", o => o.Operation);

        var mapped = MappedApiRoutes(server.Services);
        Assert.NotEmpty(mapped);

        var undocumented = mapped.Select(r => r.Route).Where(r => !documented.ContainsKey(r)).ToList();
        Assert.True(undocumented.Count == 0, $"Mapped but missing from /openapi/v1.json: {string.Join(", ", undocumented)}");
        var missingPosts = IdempotentPosts.Select(p => $"POST {p}").Where(p => !documented.ContainsKey(p)).ToList();
        Assert.True(missingPosts.Count == 0, $"Contract POSTs not in the document: {string.Join(", ", missingPosts)}");

        // A signed webhook is made idempotent by its webhook-id (a receipt), which its document must declare instead.
        var signed = mapped.Where(r => r.Signed).ToList();
        Assert.All(signed, r => Assert.True(DeclaresHeader(documented[r.Route], "webhook-id"), $"{r.Route} does not document webhook-id"));
        var posts = mapped.Where(r => r.Route.StartsWith("POST ", StringComparison.Ordinal) && !r.Signed).ToList();
        var withoutKey = posts.Where(r => !DeclaresIdempotencyKey(documented[r.Route], r.KeyMayBeInBody)).Select(r => r.Route).ToList();
        var notEnforced = posts.Where(r => !r.RequiresIdempotency).Select(r => r.Route).ToList();
        Assert.True(withoutKey.Count == 0, $"POSTs whose document omits the required Idempotency-Key header: {string.Join(", ", withoutKey)}");
        Assert.True(notEnforced.Count == 0, $"POSTs that do not require idempotency: {string.Join(", ", notEnforced)}");
    }

    /// <summary>"METHOD /path" of every endpoint the app maps under /api/v1, with whether it requires idempotency.</summary>
    private static List<(string Route, bool RequiresIdempotency, bool Signed, bool KeyMayBeInBody)> MappedApiRoutes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && Normalize(raw).StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(m => ($"{m} {Normalize(e.RoutePattern.RawText!)}", e.Metadata.GetMetadata<IdempotencyMetadata>() is not null,
                    e.Metadata.GetMetadata<SignatureAuthenticatedMetadata>() is not null,
                    e.Metadata.GetMetadata<IdempotencyMetadata>()?.KeySource == IdempotencyKeySource.HeaderOrBody)))
            .Distinct()
            .ToList();

    /// <summary>
    /// The header, required — or, where the key may travel in the body instead (SEEDS §A), optional with the body's
    /// <c>idempotencyKey</c> named as the alternative.
    /// </summary>
    private static bool DeclaresIdempotencyKey(JsonElement operation, bool keyMayBeInBody) =>
        DeclaresHeader(operation, IdempotencySettings.HeaderName, required: !keyMayBeInBody, mentioning: keyMayBeInBody ? "idempotencyKey" : null);

    private static bool DeclaresHeader(JsonElement operation, string header, bool required = true, string? mentioning = null) =>
        operation.TryGetProperty("parameters", out var parameters)
        && parameters.EnumerateArray().Any(p =>
            p.TryGetProperty("name", out var name) && name.GetString() == header
            && p.TryGetProperty("in", out var location) && location.GetString() == "header"
            && (!required || (p.TryGetProperty("required", out var isRequired) && isRequired.GetBoolean()))
            && (mentioning is null || (p.TryGetProperty("description", out var description)
                && description.GetString()!.Contains(mentioning, StringComparison.Ordinal))));

    /// <summary>"/api/v1/accounts/{id:guid}/" and "api/v1/accounts/{id}" both become "/api/v1/accounts/{id}".</summary>
    private static string Normalize(string path)
    {
        var withoutConstraints = RouteConstraint().Replace(path, "{$1}");
        return "/" + withoutConstraints.Trim('/');
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex RouteConstraint();
}
