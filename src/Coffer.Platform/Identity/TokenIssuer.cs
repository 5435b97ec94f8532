using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Platform.Identity;

/// <summary>Mints development tokens signed with the development key (the <c>token</c> verb and tests).</summary>
public static class TokenIssuer
{
    public static string Issue(
        SecurityKey signingKey, JwtSettings settings, string subject, string tenant, IEnumerable<string> roles,
        TimeSpan lifetime, TimeProvider timeProvider, IEnumerable<string>? scopes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(Caller.SubjectClaim, subject), new(Caller.TenantClaim, tenant) };
        claims.AddRange(roles.Select(role => new Claim(Caller.RoleClaim, role)));
        if (scopes?.ToList() is { Count: > 0 } granted)
        {
            claims.Add(new Claim(Scopes.Claim, string.Join(' ', granted)));
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
