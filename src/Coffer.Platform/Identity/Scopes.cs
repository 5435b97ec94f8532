using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.Identity;

/// <summary>
/// OAuth scopes of service-to-service callers (client-credentials tokens with role <c>service</c>): the space-separated
/// <c>scope</c> claim (RFC 9068; <c>scp</c> is read too). People's roles are not narrowed by scopes; a service token
/// needs the module's read scope for GET endpoints and its write scope for the others, else 403 <c>insufficient_scope</c>.
/// </summary>
public static class Scopes
{
    public const string Claim = "scope";
    public const string LedgerRead = "ledger:read";
    public const string LedgerWrite = "ledger:write";
    public const string InvestmentsRead = "investments:read";
    public const string InvestmentsWrite = "investments:write";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        LedgerRead, LedgerWrite, InvestmentsRead, InvestmentsWrite,
    };

    public static IReadOnlySet<string> Of(ClaimsPrincipal principal) => principal.FindAll(c => c.Type is Claim or "scp")
        .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Requires, of service callers only, <paramref name="readScope"/> on the group's GET endpoints and
    /// <paramref name="writeScope"/> on the others.
    /// </summary>
    public static RouteGroupBuilder RequireServiceScopes(this RouteGroupBuilder group, string readScope, string writeScope)
    {
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            var scope = methods.Count > 0 && methods.All(m => m is "GET" or "HEAD") ? readScope : writeScope;
            endpoint.Metadata.Add(new AuthorizationPolicyBuilder().AddRequirements(new ServiceScopeRequirement(scope)).Build());
        });
        return group;
    }
}

/// <summary>A service caller must hold <see cref="Scope"/>; other callers pass.</summary>
public sealed class ServiceScopeRequirement(string scope) : AuthorizationHandler<ServiceScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ServiceScopeRequirement requirement)
    {
        var user = context.User;
        if (!user.HasClaim(Caller.RoleClaim, Roles.Service) || Scopes.Of(user).Contains(requirement.Scope))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
