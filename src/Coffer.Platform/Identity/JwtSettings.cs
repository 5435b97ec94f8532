using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Identity;

/// <summary>
/// <c>Coffer:Auth:Issuer</c>, <c>Coffer:Auth:Audience</c>, and optionally <c>Coffer:Auth:SigningKeys</c>
/// (PEM public keys, RSA or EC). Without configured keys the development key of the data directory is used.
/// </summary>
public sealed record JwtSettings
{
    public string Issuer { get; init; } = "coffer-dev";
    public string Audience { get; init; } = "coffer";
    public IReadOnlyList<string> SigningKeys { get; init; } = [];
    public int ClockSkewSeconds { get; init; } = 30;

    public bool UsesDevelopmentKey => SigningKeys.Count == 0;

    public static JwtSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Coffer:Auth");
        var defaults = new JwtSettings();
        return new JwtSettings
        {
            Issuer = section["Issuer"] is { Length: > 0 } issuer ? issuer : defaults.Issuer,
            Audience = section["Audience"] is { Length: > 0 } audience ? audience : defaults.Audience,
            SigningKeys = section.GetSection("SigningKeys").Get<string[]>() ?? [],
            ClockSkewSeconds = Math.Clamp(section.GetValue("ClockSkewSeconds", 30), 0, 30),
        };
    }
}
