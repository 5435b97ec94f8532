using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Identity;

/// <summary>
/// <c>Coffer:Auth:*</c>. Where the verification keys come from, one of:
/// <list type="bullet">
/// <item><c>Authority</c>: an OpenID Connect issuer; its discovery document and JWKS are fetched (and refreshed when a
/// token names an unknown key). <c>RequireHttpsMetadata</c> (default true) may be switched off only for loopback tests.</item>
/// <item><c>SigningKeys</c>: PEM public keys (RSA or EC).</item>
/// <item>neither: the development key of the data directory (the embedded profile).</item>
/// </list>
/// <c>Issuer</c> defaults to the authority (else <c>coffer-dev</c>), <c>Audience</c> to <c>coffer</c>; clock skew is at most 30 s.
/// <c>ValidationCacheSeconds</c> (default 120, 0 = off, at most 3600): how long a validated token is remembered (<see cref="ValidatedTokenCache"/>).
/// </summary>
public sealed record JwtSettings
{
    public const string DevelopmentIssuer = "coffer-dev";

    public string Issuer { get; init; } = DevelopmentIssuer;
    public string Audience { get; init; } = "coffer";
    public IReadOnlyList<string> SigningKeys { get; init; } = [];
    public string? Authority { get; init; }
    public bool RequireHttpsMetadata { get; init; } = true;
    public int ClockSkewSeconds { get; init; } = 30;
    public int ValidationCacheSeconds { get; init; } = 120;

    public bool UsesDevelopmentKey => SigningKeys.Count == 0 && Authority is null;

    public static JwtSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Coffer:Auth");
        var defaults = new JwtSettings();
        var authority = section["Authority"] is { Length: > 0 } configured ? configured.TrimEnd('/') : null;
        var keys = section.GetSection("SigningKeys").Get<string[]>() ?? [];
        if (authority is not null && keys.Length > 0)
        {
            throw new InvalidOperationException("Configure either Coffer:Auth:Authority (OIDC) or Coffer:Auth:SigningKeys, not both.");
        }
        return new JwtSettings
        {
            Issuer = section["Issuer"] is { Length: > 0 } issuer ? issuer : authority ?? defaults.Issuer,
            Audience = section["Audience"] is { Length: > 0 } audience ? audience : defaults.Audience,
            SigningKeys = keys,
            Authority = authority,
            RequireHttpsMetadata = section.GetValue("RequireHttpsMetadata", true),
            ClockSkewSeconds = Math.Clamp(section.GetValue("ClockSkewSeconds", 30), 0, 30),
            ValidationCacheSeconds = Math.Clamp(section.GetValue("ValidationCacheSeconds", defaults.ValidationCacheSeconds), 0, 3600),
        };
    }
}
