using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Platform.Identity;

/// <summary>
/// The JWT handler with a memory of tokens it has already validated. Verifying an ES256 or RS256 signature is the
/// costliest step of a request's authentication, and a client sends the same token with every request of its lifetime.
/// A token that passed full validation is remembered, by the SHA-256 of its text, until the earlier of its own expiry
/// and <see cref="JwtSettings.ValidationCacheSeconds"/>; a failed validation is never remembered. Each hit hands out a copy
/// of the identity, so no request can change another's. At most <see cref="Capacity"/> tokens are kept.
/// </summary>
/// <remarks>
/// The price: a token stays accepted for up to the cache lifetime after its signing key is withdrawn from the authority's
/// key set (a configured key change restarts the process, which empties the cache). Lifetime 0 turns the cache off.
/// </remarks>
internal sealed class ValidatedTokenCache(TimeSpan lifetime, TimeProvider time) : JsonWebTokenHandler, IDisposable
{
    /// <summary>Claims keep the names the token gives them (as <c>MapInboundClaims = false</c> does for the default handler).</summary>
    public ValidatedTokenCache(JwtSettings settings, TimeProvider time) : this(TimeSpan.FromSeconds(settings.ValidationCacheSeconds), time)
    {
        MapInboundClaims = false;
    }

    public const int Capacity = 10_000;

    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = KeyOf(token);
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(key, out Remembered? remembered) && remembered!.ExpiresAt > now)
        {
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = remembered.Identity.Clone(),
                SecurityToken = remembered.Token,
                TokenType = remembered.TokenType,
            };
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, ClaimsIdentity: { } identity, SecurityToken: JsonWebToken validated })
        {
            var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
            var until = expiresAt < now + lifetime ? expiresAt : now + lifetime;
            if (until > now)
            {
                _validated.Set(key, new Remembered(identity.Clone(), validated, result.TokenType, until),
                    new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
            }
        }
        return result;
    }

    private static string KeyOf(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public void Dispose() => _validated.Dispose();

    private sealed record Remembered(System.Security.Claims.ClaimsIdentity Identity, SecurityToken Token, string? TokenType, DateTimeOffset ExpiresAt);
}
