using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Testing;

/// <summary>One mapped endpoint: method, route template without constraints ("/api/v1/holds/{id}"), and the roles it admits (empty: anyone).</summary>
public sealed record MappedEndpoint(string Method, string Route, IReadOnlySet<string> Roles, Endpoint Endpoint);

/// <summary>The server's route table, for tests that must cover every endpoint, including ones added later.</summary>
public static partial class RouteTable
{
    public static List<MappedEndpoint> Endpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new MappedEndpoint(method, Normalize(e.RoutePattern.RawText!), RolesOf(e), e)))
            .DistinctBy(e => $"{e.Method} {e.Route}")
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();

    /// <summary>"/api/v1/accounts/{id:guid}/" and "api/v1/accounts/{id}" both become "/api/v1/accounts/{id}".</summary>
    public static string Normalize(string path) => "/" + RouteConstraint().Replace(path, "{$1}").Trim('/');

    private static IReadOnlySet<string> RolesOf(Endpoint endpoint) => endpoint.Metadata.OfType<AuthorizationPolicy>()
        .SelectMany(p => p.Requirements.OfType<RolesAuthorizationRequirement>())
        .SelectMany(r => r.AllowedRoles)
        .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex RouteConstraint();
}
