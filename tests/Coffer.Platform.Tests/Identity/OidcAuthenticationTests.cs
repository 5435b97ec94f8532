using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Platform.Tests.Identity;

/// <summary>The production profile: tokens verified against an OIDC authority's JWKS (served on loopback).</summary>
public sealed class OidcAuthenticationTests : IAsyncLifetime
{
    private LoopbackIdentityProvider _idp = null!;
    private CofferTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _idp = await LoopbackIdentityProvider.StartAsync();
        _server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Coffer:Auth:Authority"] = _idp.Authority,
            ["Coffer:Auth:RequireHttpsMetadata"] = "false",
            ["Coffer:Auth:Audience"] = "coffer",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task TokensSignedByTheAuthoritysKeys_AreAccepted_Rs256AndEs256()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(_idp.Token(_idp.Rs256)));
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(_idp.Token(_idp.Es256)));
    }

    [Fact(Timeout = 30_000)]
    public async Task UnsignedTokenWithAlgNone_Is401()
    {
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var payload = Base64Url($$"""{"iss":"{{_idp.Authority}}","aud":"coffer","sub":"alice","tenant":"acme","role":"customer","exp":{{exp}}}""");

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync($"{header}.{payload}."));
    }

    [Fact(Timeout = 30_000)]
    public async Task TokenSignedByAnotherKey_UnderAKnownKeyId_Is401()
    {
        var impostor = new RsaSecurityKey(RSA.Create(2048)) { KeyId = _idp.RsaKey.KeyId };

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(_idp.Token(new SigningCredentials(impostor, SecurityAlgorithms.RsaSha256))));
    }

    [Fact(Timeout = 30_000)]
    public async Task SymmetricTokenMadeFromThePublicKey_Is401()
    {
        // The classic algorithm confusion: HS256 keyed with bytes an attacker can know.
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = _idp.RsaKey.KeyId };

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(_idp.Token(new SigningCredentials(secret, SecurityAlgorithms.HmacSha256))));
    }

    [Fact(Timeout = 30_000)]
    public async Task ExpiredBeyondTheSkew_WrongAudience_WrongIssuer_Are401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(_idp.Token(_idp.Rs256, expires: DateTime.UtcNow.AddSeconds(-45))));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(_idp.Token(_idp.Rs256, audience: "someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(_idp.Token(_idp.Rs256, issuer: "https://evil.example")));
    }

    [Fact(Timeout = 30_000)]
    public async Task ValidSignatureButUnknownRole_Is401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(_idp.Token(_idp.Rs256, role: "superuser")));
    }

    private async Task<HttpStatusCode> StatusWithAsync(string token)
    {
        using var client = _server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/v1/accounts")).StatusCode;
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
