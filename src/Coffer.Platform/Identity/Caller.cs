using System.Security.Claims;

namespace Coffer.Platform.Identity;

/// <summary>
/// Who is calling, taken only from verified token claims (<c>sub</c>, <c>tenant</c>, <c>role</c>);
/// never from request headers.
/// </summary>
public sealed record Caller(string Subject, string Tenant, IReadOnlySet<string> Roles)
{
    public const string SubjectClaim = "sub";
    public const string TenantClaim = "tenant";
    public const string RoleClaim = "role";

    public bool IsInRole(string role) => Roles.Contains(role);

    /// <summary>Operators, admins and services act on any resource of their tenant.</summary>
    public bool ActsForTenant =>
        IsInRole(Identity.Roles.Operator) || IsInRole(Identity.Roles.Admin) || IsInRole(Identity.Roles.Service);

    public static Caller From(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue(SubjectClaim);
        var tenant = principal.FindFirstValue(TenantClaim);
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(tenant))
        {
            // The authentication handler rejects such tokens; reaching here is a wiring bug.
            throw new InvalidOperationException("An authenticated caller must carry 'sub' and 'tenant' claims.");
        }
        var roles = principal.FindAll(RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(subject, tenant, roles);
    }
}
