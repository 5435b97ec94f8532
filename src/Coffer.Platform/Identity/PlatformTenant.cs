using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Identity;

/// <summary>Endpoint metadata: only callers of the platform tenant (<c>Coffer:Flags:PlatformTenant</c>) are admitted.</summary>
public sealed record PlatformTenantOnlyMetadata;

/// <summary>
/// Platform-wide settings (feature flags) name tenants and users, so they are managed by the operator of the platform, not
/// by the administrators of a customer tenant: <see cref="RequirePlatformTenant"/> admits callers of one configured tenant.
/// </summary>
public static class PlatformTenant
{
    public static TBuilder RequirePlatformTenant<TBuilder>(this TBuilder builder, Func<IServiceProvider, string> platformTenant)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PlatformTenantOnlyMetadata())
            .RequireAuthorization(policy => policy.RequireAssertion(context =>
                context.Resource is HttpContext http
                && http.User.FindFirst(Caller.TenantClaim)?.Value is { } tenant
                && tenant == platformTenant(http.RequestServices)));
}
