using System.Diagnostics.Metrics;
using System.Text.Json;
using Coffer.Platform.Observability;
using Coffer.Platform.Redis;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Coffer.Commerce.Catalog;

/// <summary>
/// Cache-aside for catalog reads, with a TTL (<c>Coffer:Commerce:CatalogCacheSeconds</c>, default 60). With Redis configured the
/// entries live there, shared by every instance; without it, or whenever a Redis call fails, in this process's memory. Writers
/// call <see cref="Invalidate"/> after their commit; the TTL bounds what a lost invalidation (Redis down at that moment, or
/// another instance's memory fallback) may serve stale. Hits and misses are counted as <c>coffer_catalog_cache_total{result}</c>.
/// </summary>
internal sealed partial class CatalogCache
{
    public const string MeterName = CofferTelemetry.Prefix + ".Commerce";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IMemoryCache _memory;
    private readonly RedisConnection? _redis;
    private readonly ILogger<CatalogCache> _logger;
    private readonly Counter<long> _lookups;

    public CatalogCache(IMemoryCache memory, IMeterFactory meterFactory, CommerceSettings settings, ILogger<CatalogCache> logger,
        RedisConnection? redis = null)
    {
        _memory = memory;
        _redis = redis;
        _logger = logger;
        Ttl = settings.CatalogCacheTtl;
        _lookups = meterFactory.Create(MeterName).CreateCounter<long>("coffer.catalog.cache",
            description: "Catalog cache lookups, by result (hit, miss).");
    }

    public TimeSpan Ttl { get; }

    public static string ProductKey(string tenantId, Guid productId) => $"coffer:catalog:{tenantId}:product:{productId:N}";

    /// <summary>The cached value of <paramref name="key"/>, or what <paramref name="load"/> returns (cached unless null).</summary>
    public async Task<T?> GetOrLoadAsync<T>(string key, Func<CancellationToken, Task<T?>> load, CancellationToken cancellationToken)
        where T : class
    {
        if (await ReadAsync(key, cancellationToken) is { } cached)
        {
            Count("hit");
            return JsonSerializer.Deserialize<T>(cached, Json);
        }
        Count("miss");
        var loaded = await load(cancellationToken);
        if (loaded is not null)
        {
            await WriteAsync(key, JsonSerializer.Serialize(loaded, Json), cancellationToken);
        }
        return loaded;
    }

    /// <summary>
    /// Drops <paramref name="key"/> from Redis and from memory (a fallback entry of this instance may be there). Synchronous
    /// because it runs in <c>DbSession.OnCommitted</c>, before the writer's response: the next read must not see the old value.
    /// The Redis call is bounded by the connection's short timeouts.
    /// </summary>
    public void Invalidate(string key)
    {
        _memory.Remove(key);
        if (_redis is null)
        {
            return;
        }
        try
        {
            _redis.GetAsync(CancellationToken.None).GetAwaiter().GetResult().GetDatabase().KeyDelete(key);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogInvalidationFailed(_logger, key, e);
        }
    }

    private async Task<string?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        if (_redis is not null)
        {
            try
            {
                var connection = await _redis.GetAsync(cancellationToken);
                var value = await connection.GetDatabase().StringGetAsync(key);
                return value.HasValue ? value.ToString() : null;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogFallback(_logger, e);
            }
        }
        return _memory.TryGetValue(key, out string? local) ? local : null;
    }

    private async Task WriteAsync(string key, string value, CancellationToken cancellationToken)
    {
        if (_redis is not null)
        {
            try
            {
                var connection = await _redis.GetAsync(cancellationToken);
                await connection.GetDatabase().StringSetAsync(key, value, Ttl);
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogFallback(_logger, e);
            }
        }
        _memory.Set(key, value, Ttl);
    }

    private void Count(string result) => _lookups.Add(1, new KeyValuePair<string, object?>("result", result));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog cache: Redis failed, using the in-memory cache")]
    private static partial void LogFallback(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog cache: Redis failed to drop {CacheKey}; it expires with its TTL")]
    private static partial void LogInvalidationFailed(ILogger logger, string cacheKey, Exception exception);
}
