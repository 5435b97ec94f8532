using Coffer.Platform.Redis;
using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// <c>Coffer:Flags:*</c>. Flags are platform-wide (their overrides name tenants and users), so only administrators of
/// <see cref="PlatformTenant"/> manage them. Without Redis each instance re-reads the flags every
/// <see cref="RefreshInterval"/> (at most 2 s); with Redis, changes are pushed and the re-read is only a safety net.
/// </summary>
public sealed record FlagSettings(string PlatformTenant, TimeSpan RefreshInterval, bool UsesRedis, string Channel)
{
    /// <summary>The longest a change may take to reach an instance that has no Redis to hear about it.</summary>
    public static readonly TimeSpan MaxPollingInterval = TimeSpan.FromSeconds(2);

    public static FlagSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Coffer:Flags");
        var usesRedis = RedisConnection.ConfiguredIn(configuration) is not null;
        var refresh = TimeSpan.FromSeconds(section.GetValue("RefreshSeconds", usesRedis ? 30.0 : 1.0));
        if (refresh <= TimeSpan.Zero || (!usesRedis && refresh > MaxPollingInterval))
        {
            throw new InvalidOperationException(
                $"Coffer:Flags:RefreshSeconds must be above 0 and, without Redis, at most {MaxPollingInterval.TotalSeconds} s.");
        }
        return new FlagSettings(
            section["PlatformTenant"] is { Length: > 0 } tenant ? tenant : "platform",
            refresh,
            usesRedis,
            section["Channel"] is { Length: > 0 } channel ? channel : "coffer:flags");
    }
}
