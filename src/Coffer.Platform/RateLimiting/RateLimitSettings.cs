using Coffer.Platform.Redis;
using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.RateLimiting;

/// <summary>What a policy does when Redis cannot answer.</summary>
public enum RedisFailureMode
{
    /// <summary>Count in this process instead (each instance then admits up to the policy's permits): the default.</summary>
    Local,
    /// <summary>Refuse the request (503 <c>rate_limiter_unavailable</c>): for endpoints where a lost limit is worse than an outage.</summary>
    Deny,
}

/// <summary>One named policy: <see cref="Permits"/> requests per sliding <see cref="Window"/>, per principal.</summary>
public sealed record RateLimitPolicySettings(string Name, int Permits, TimeSpan Window, RedisFailureMode OnRedisFailure);

/// <summary>
/// <c>Coffer:RateLimits:*</c>: named policies, declared with their defaults by the platform and the modules (<c>Policies:&lt;name&gt;:Permits</c>, <c>WindowSeconds</c>,
/// <c>OnRedisFailure</c> = local | deny), the Redis key prefix, and the circuit breaker's break time.
/// Redis itself is <c>Coffer:Redis:ConnectionString</c>; without it, limits are counted in-process.
/// </summary>
public sealed record RateLimitSettings(
    IReadOnlyDictionary<string, RateLimitPolicySettings> Policies, string? RedisConnectionString, string KeyPrefix, TimeSpan BreakDuration,
    TimeSpan RedisTimeout)
{
    /// <summary>Money-moving and resource-creating calls.</summary>
    public const string Writes = "writes";

    /// <summary>Reads of balances, statements and resources.</summary>
    public const string Reads = "reads";

    /// <summary>Administrative and operator endpoints.</summary>
    public const string Admin = "admin";

    /// <summary>The built-in policies' defaults, declared by the platform like any module's (see <see cref="RateLimitingSetup.AddRateLimitPolicy"/>).</summary>
    internal static readonly RateLimitPolicySettings[] BuiltIn =
    [
        new(Writes, 600, TimeSpan.FromMinutes(1), RedisFailureMode.Local),
        new(Reads, 1200, TimeSpan.FromMinutes(1), RedisFailureMode.Local),
        new(Admin, 300, TimeSpan.FromMinutes(1), RedisFailureMode.Local),
    ];

    /// <summary>
    /// The declared policies with their defaults, each overridden by <c>Coffer:RateLimits:Policies:&lt;name&gt;</c>; a policy
    /// only configured is added with 600 per minute unless configured otherwise. Declaring one name twice is refused:
    /// two modules would otherwise share one counter without knowing it.
    /// </summary>
    public static RateLimitSettings FromConfiguration(IConfiguration configuration, IEnumerable<RateLimitPolicySettings> declared)
    {
        var section = configuration.GetSection("Coffer:RateLimits");
        var policies = new Dictionary<string, RateLimitPolicySettings>(StringComparer.Ordinal);
        foreach (var policy in declared)
        {
            if (!policies.TryAdd(policy.Name, policy))
            {
                throw new InvalidOperationException($"Rate limit policy '{policy.Name}' is declared twice; each policy needs its own name.");
            }
        }
        foreach (var child in section.GetSection("Policies").GetChildren())
        {
            var fallback = policies.GetValueOrDefault(child.Key) ?? new RateLimitPolicySettings(child.Key, 600, TimeSpan.FromMinutes(1), RedisFailureMode.Local);
            var permits = child.GetValue("Permits", fallback.Permits);
            var window = child.GetValue("WindowSeconds", fallback.Window.TotalSeconds);
            if (permits < 1 || window <= 0)
            {
                throw new InvalidOperationException($"Rate limit policy '{child.Key}' needs Permits ≥ 1 and WindowSeconds > 0.");
            }
            var mode = child["OnRedisFailure"] is { Length: > 0 } text
                ? Enum.Parse<RedisFailureMode>(text, ignoreCase: true)
                : fallback.OnRedisFailure;
            policies[child.Key] = new RateLimitPolicySettings(child.Key, permits, TimeSpan.FromSeconds(window), mode);
        }
        return new RateLimitSettings(
            policies,
            RedisConnection.ConfiguredIn(configuration),
            section["KeyPrefix"] is { Length: > 0 } prefix ? prefix : "coffer:rl",
            TimeSpan.FromSeconds(section.GetValue("BreakSeconds", 15.0)),
            TimeSpan.FromMilliseconds(section.GetValue("RedisTimeoutMilliseconds", 250.0)));
    }
}
