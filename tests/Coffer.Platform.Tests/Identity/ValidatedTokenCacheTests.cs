using System.Security.Claims;
using System.Security.Cryptography;
using Coffer.Platform.Identity;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Platform.Tests.Identity;

/// <summary>
/// The validated-token cache answers from memory only for a token that passed full validation, only until the earlier
/// of its expiry and the configured lifetime, and never shares one identity between requests. "Served from memory" is
/// observed by validating against parameters that would now reject the token (a key it was not signed with).
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly JwtSettings Settings = new() { ValidationCacheSeconds = 120 };
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "right" };
    private readonly ECDsaSecurityKey _otherKey = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "other" };
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task AValidatedToken_IsAnsweredFromMemory_UntilTheCacheLifetimeEnds()
    {
        using var cache = new ValidatedTokenCache(Settings, _time);
        var token = Issue(TimeSpan.FromHours(1));

        Assert.True((await cache.ValidateTokenAsync(token, Parameters(_key))).IsValid);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(_otherKey))).IsValid); // not verified again

        _time.Advance(TimeSpan.FromSeconds(121));
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(_otherKey))).IsValid);
    }

    [Fact]
    public async Task ARememberedToken_IsForgottenAtItsOwnExpiry_WhenThatComesFirst()
    {
        using var cache = new ValidatedTokenCache(Settings, _time);
        var token = Issue(TimeSpan.FromSeconds(30));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(_key))).IsValid);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(_otherKey))).IsValid);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(_otherKey))).IsValid);
    }

    [Fact]
    public async Task AFailedValidation_IsNeverRemembered()
    {
        using var cache = new ValidatedTokenCache(Settings, _time);
        var token = Issue(TimeSpan.FromHours(1));

        Assert.False((await cache.ValidateTokenAsync(token, Parameters(_otherKey))).IsValid);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(_key))).IsValid);
        var tampered = token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..];
        Assert.False((await cache.ValidateTokenAsync(tampered, Parameters(_key))).IsValid);
    }

    [Fact]
    public async Task EveryAnswer_HasAnIdentityOfItsOwn()
    {
        using var cache = new ValidatedTokenCache(Settings, _time);
        var token = Issue(TimeSpan.FromHours(1));
        var first = (await cache.ValidateTokenAsync(token, Parameters(_key))).ClaimsIdentity;
        first.AddClaim(new Claim(Caller.RoleClaim, Roles.Admin));

        var second = (await cache.ValidateTokenAsync(token, Parameters(_key))).ClaimsIdentity;
        Assert.NotSame(first, second);
        Assert.Equal([Roles.Customer], second.FindAll(Caller.RoleClaim).Select(c => c.Value));
        Assert.Equal("alice", second.FindFirst(Caller.SubjectClaim)?.Value);
    }

    private string Issue(TimeSpan lifetime) =>
        TokenIssuer.Issue(_key, Settings, "alice", "acme", [Roles.Customer], lifetime, _time);

    /// <summary>Lifetime is checked against the fake clock, so the cache and the full validation agree on "now".</summary>
    private TokenValidationParameters Parameters(SecurityKey key) => new()
    {
        ValidIssuer = Settings.Issuer,
        ValidAudience = Settings.Audience,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
        LifetimeValidator = (notBefore, expires, _, _) =>
            notBefore <= _time.GetUtcNow().UtcDateTime && expires > _time.GetUtcNow().UtcDateTime,
    };
}
