using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Platform.Tests.Identity;

/// <summary>
/// An OpenID Connect provider on 127.0.0.1 as far as a resource server sees one: a discovery document and a JWKS with
/// an RSA and an EC key. It mints tokens with those keys (or any other, for the negative cases).
/// </summary>
internal sealed class LoopbackIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackIdentityProvider(WebApplication app, string authority)
    {
        _app = app;
        Authority = authority;
    }

    public string Authority { get; }
    public RsaSecurityKey RsaKey { get; } = new(RSA.Create(2048)) { KeyId = "rsa-1" };
    public ECDsaSecurityKey EcKey { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };

    public static async Task<LoopbackIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoopbackIdentityProvider? provider = null;
        app.MapGet("/.well-known/openid-configuration", () => Microsoft.AspNetCore.Http.Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider!.Authority,
            ["jwks_uri"] = provider.Authority + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        }));
        app.MapGet("/jwks", () => Microsoft.AspNetCore.Http.Results.Text(provider!.Jwks(), "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        provider = new LoopbackIdentityProvider(app, address.TrimEnd('/'));
        return provider;
    }

    private string Jwks() => JsonSerializer.Serialize(new
    {
        keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(PublicOnly(RsaKey)), JsonWebKeyConverter.ConvertFromECDsaSecurityKey(EcKey) }
            .Select(k => new Dictionary<string, string?>
            {
                ["kty"] = k.Kty, ["kid"] = k.Kid, ["use"] = "sig", ["n"] = k.N, ["e"] = k.E, ["crv"] = k.Crv, ["x"] = k.X, ["y"] = k.Y,
            }.Where(p => p.Value is not null).ToDictionary()),
    });

    private static RsaSecurityKey PublicOnly(RsaSecurityKey key) => new(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId };

    /// <summary>A signed JWT; every part can be bent for a negative case.</summary>
    public string Token(SigningCredentials credentials, string? issuer = null, string audience = "coffer",
        DateTime? expires = null, string subject = "alice", string tenant = "acme", string role = "customer")
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience,
            NotBefore = expiry < now ? expiry.AddMinutes(-10) : now.AddMinutes(-1),
            IssuedAt = expiry < now ? expiry.AddMinutes(-10) : now,
            Expires = expiry,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["tenant"] = tenant, ["role"] = role },
            SigningCredentials = credentials,
        });
    }

    public SigningCredentials Rs256 => new(RsaKey, SecurityAlgorithms.RsaSha256);
    public SigningCredentials Es256 => new(EcKey, SecurityAlgorithms.EcdsaSha256);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
