using System.Globalization;
using Coffer.Platform.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// Redis pub/sub between instances: the instance that changes a flag publishes a notice after its commit, and every
/// instance that hears it reloads its flags at once. A notice carries only when the change was made (the database is the
/// truth, never the message), so a lost notice costs only time: the refresher's safety poll picks the change up.
/// </summary>
public sealed partial class FlagChangeChannel(RedisConnection redis, FlagSettings settings, ILogger<FlagChangeChannel> logger)
{
    private RedisChannel Channel => RedisChannel.Literal(settings.Channel);

    public async Task PublishAsync(string key, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await redis.GetAsync(cancellationToken);
            await connection.GetSubscriber().PublishAsync(Channel, changedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception failure) when (failure is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, key, settings.RefreshInterval.TotalSeconds, failure);
        }
    }

    /// <summary>
    /// Subscribes <paramref name="onNotice"/> (given when the change was made) and <paramref name="onReconnected"/> (Redis
    /// came back: notices may have been missed). Throws when Redis cannot be reached; the caller tries again later.
    /// </summary>
    public async Task SubscribeAsync(Action<DateTimeOffset?> onNotice, Action onReconnected, CancellationToken cancellationToken)
    {
        var connection = await redis.GetAsync(cancellationToken);
        await connection.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
            onNotice(long.TryParse(message.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds)
                ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
                : null));
        connection.ConnectionRestored += (_, _) => onReconnected();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not announce the change of flag {FlagKey} through Redis; other instances see it within {SafetyPollSeconds} s")]
    private static partial void LogPublishFailed(ILogger logger, string flagKey, double safetyPollSeconds, Exception exception);
}
