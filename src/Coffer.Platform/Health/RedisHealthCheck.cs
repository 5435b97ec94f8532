using Coffer.Platform.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coffer.Platform.Health;

/// <summary>
/// Redis, when configured. Unreachable Redis is <em>degraded</em>, not unhealthy: rate-limit policies fall back (or
/// refuse) as configured and feature-flag changes arrive by polling, so the instance still serves and must stay in the
/// load balancer.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy("Redis answers.", new Dictionary<string, object> { ["pingMilliseconds"] = Math.Round(latency.TotalMilliseconds, 2) });
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded("Redis does not answer: rate limits fall back as configured, flag changes propagate by polling.", failure);
        }
    }
}
