using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Idempotency;

/// <summary><c>Coffer:Idempotency:RetentionHours</c> (at least 24) and the key length limit.</summary>
public sealed record IdempotencySettings
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);
    public TimeSpan PurgeInterval { get; init; } = TimeSpan.FromMinutes(5);
    public int MaxAttempts { get; init; } = 3;

    public static IdempotencySettings FromConfiguration(IConfiguration configuration)
    {
        var hours = Math.Max(24, configuration.GetValue("Coffer:Idempotency:RetentionHours", 24));
        return new IdempotencySettings { Retention = TimeSpan.FromHours(hours) };
    }
}
