using Microsoft.Extensions.Logging;
using Coffer.Platform.Redis;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Coffer.Platform.RateLimiting;

/// <summary>The answer of one sliding-window check.</summary>
public readonly record struct WindowDecision(bool Allowed, long Remaining, TimeSpan RetryAfter);

/// <summary>
/// Sliding-window counting shared by every instance, in one atomic Lua script per request (a sorted set of request
/// times per principal and policy, timed by the Redis server's clock so instances never disagree). Calls run under a
/// timeout and a circuit breaker (Polly): a Redis that is down or slow fails fast, and <see cref="IsAvailableAsync"/>
/// lets the caller fall back.
/// </summary>
public sealed partial class RedisSlidingWindow
{
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        local permits = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        local count = redis.call('ZCARD', KEYS[1])
        if count < permits then
            redis.call('ZADD', KEYS[1], now, ARGV[3])
            redis.call('PEXPIRE', KEYS[1], window)
            return {1, permits - count - 1, 0}
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return {0, 0, window - (now - tonumber(oldest[2]))}
        """;

    private readonly RedisConnection _redis;
    private readonly ResiliencePipeline _pipeline;
    private readonly string _prefix;
    private readonly ILogger<RedisSlidingWindow> _logger;

    public RedisSlidingWindow(RateLimitSettings settings, RedisConnection redis, ILogger<RedisSlidingWindow> logger)
    {
        _prefix = settings.KeyPrefix;
        _redis = redis;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = settings.BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>().Handle<TimeoutException>(),
                OnOpened = _ =>
                {
                    LogCircuitOpened(_logger, settings.BreakDuration.TotalSeconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    LogCircuitClosed(_logger);
                    return default;
                },
            })
            .AddTimeout(settings.RedisTimeout)
            .Build();
    }

    /// <summary>Counts one request of <paramref name="partition"/> under <paramref name="policy"/>; throws when Redis cannot answer.</summary>
    public ValueTask<WindowDecision> AcquireAsync(RateLimitPolicySettings policy, string partition, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async token =>
        {
            var connection = await _redis.GetAsync(token);
            var result = (RedisResult[])(await connection.GetDatabase().ScriptEvaluateAsync(Script,
                [new RedisKey($"{_prefix}:{policy.Name}:{partition}")],
                [(long)policy.Window.TotalMilliseconds, policy.Permits, Guid.NewGuid().ToString("N")]))!;
            return new WindowDecision((long)result[0] == 1, (long)result[1], TimeSpan.FromMilliseconds(Math.Max(0, (long)result[2])));
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis rate limiting unavailable: circuit open for {BreakSeconds} s, policies fall back as configured")]
    private static partial void LogCircuitOpened(ILogger logger, double breakSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis rate limiting available again: limits are shared across instances")]
    private static partial void LogCircuitClosed(ILogger logger);
}
