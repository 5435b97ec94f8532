using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Platform.Identity;

public static class AuthenticationSetup
{
    /// <summary>
    /// JWT bearer against an OIDC authority (discovery + JWKS), the configured keys or the development key. Only
    /// asymmetric algorithms (RS256, ES256) are accepted, whatever the keys would allow; issuer, audience and lifetime are
    /// validated with at most 30 s of skew; and a token must name a subject, a tenant and only known roles.
    /// </summary>
    public static IServiceCollection AddCofferAuthentication(this IServiceCollection services)
    {
        services.AddSingleton(sp => JwtSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new ValidatedTokenCache(sp.GetRequiredService<JwtSettings>(), sp.GetRequiredService<TimeProvider>()));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<JwtSettings, DatabaseOptions, ValidatedTokenCache>((options, settings, database, cache) =>
            {
                List<SecurityKey>? keys = settings.Authority is not null ? null
                    : settings.UsesDevelopmentKey ? [DevelopmentSigningKey.LoadOrCreate(database.DataDirectory)]
                    : settings.SigningKeys.Select(ImportPublicKey).ToList();
                if (settings.Authority is not null)
                {
                    // Keys come from the authority's JWKS, refreshed when a token names a key not seen yet.
                    options.Authority = settings.Authority;
                    options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                    options.RefreshOnIssuerKeyNotFound = true;
                }
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    IssuerSigningKeys = keys,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
                    ValidateIssuerSigningKey = true,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
                    NameClaimType = Caller.SubjectClaim,
                    RoleClaimType = Caller.RoleClaim,
                };
                options.Events = new JwtBearerEvents { OnTokenValidated = RejectIncompleteIdentity };
                if (settings.ValidationCacheSeconds > 0)
                {
                    options.TokenHandlers.Clear();
                    options.TokenHandlers.Add(cache);
                }
            });
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, InsufficientScopeResultHandler>();
        return services;
    }

    private static Task RejectIncompleteIdentity(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var hasSubject = !string.IsNullOrWhiteSpace(principal.FindFirst(Caller.SubjectClaim)?.Value);
        var hasTenant = !string.IsNullOrWhiteSpace(principal.FindFirst(Caller.TenantClaim)?.Value);
        var rolesKnown = principal.FindAll(Caller.RoleClaim).All(c => Roles.All.Contains(c.Value));
        if (!hasSubject || !hasTenant || !rolesKnown)
        {
            context.Fail("The token must carry 'sub', 'tenant' and only known roles.");
        }
        return Task.CompletedTask;
    }

    private static SecurityKey ImportPublicKey(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            rsa.Dispose(); // not an RSA key: try EC below
        }
        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        return new ECDsaSecurityKey(ec);
    }

    /// <summary>Requires an authenticated caller holding at least one of <paramref name="roles"/>.</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var role in roles)
        {
            if (!Roles.All.Contains(role))
            {
                throw new InvalidOperationException($"Unknown role '{role}' on an endpoint.");
            }
        }
        return builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireRole(roles));
    }
}
