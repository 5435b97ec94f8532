using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Coffer.Platform.Redis;

/// <summary>
/// The one Redis connection of the process (<c>Coffer:Redis:ConnectionString</c>), shared by the rate limiter's
/// sliding windows and the feature-flag change channel. It connects lazily and keeps reconnecting in the background
/// (<c>AbortOnConnectFail=false</c>); every call is bounded by short timeouts so that a Redis outage makes callers
/// fall back rather than wait.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    public const string ConnectionStringKey = "Coffer:Redis:ConnectionString";

    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;

    public RedisConnection(string connectionString, TimeSpan operationTimeout)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, (int)Math.Max(100, operationTimeout.TotalMilliseconds));
        options.SyncTimeout = options.AsyncTimeout;
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options));
    }

    /// <summary>The configured connection string, or null when Coffer runs without Redis.</summary>
    public static string? ConfiguredIn(IConfiguration configuration) =>
        configuration[ConnectionStringKey] is { Length: > 0 } value ? value : null;

    public async Task<ConnectionMultiplexer> GetAsync(CancellationToken cancellationToken) =>
        await _connection.Value.WaitAsync(cancellationToken);

    /// <summary>Round-trip time to Redis, bounded to 2 s; throws when it does not answer.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        var connection = await GetAsync(cancellationToken);
        return await connection.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.CloseAsync();
            _connection.Value.Result.Dispose();
        }
    }
}
