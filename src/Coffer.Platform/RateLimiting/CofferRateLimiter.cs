using System.Threading.RateLimiting;
using Coffer.Platform.Observability;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.RateLimiting;

/// <summary>
/// The limiter of one principal under one policy. With Redis configured, every request is counted there (shared by all
/// instances); when Redis cannot answer, the policy's <see cref="RedisFailureMode"/> decides: count in this process, or
/// refuse. Without Redis, counting is in-process (the embedded profile).
/// </summary>
internal sealed partial class CofferRateLimiter(
    RateLimitPolicySettings policy, string partition, RedisSlidingWindow? redis, PlatformMetrics metrics, ILogger logger) : RateLimiter
{
    /// <summary>Lease metadata: why a request was refused ("limit" or "unavailable").</summary>
    public static readonly MetadataName<string> Reason = new("coffer.reason");

    private readonly SlidingWindowRateLimiter _local = new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = policy.Permits,
        Window = policy.Window,
        SegmentsPerWindow = 10,
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    private long _lastUsed = Environment.TickCount64;
    private int _fallingBack;

    public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

    /// <summary>Never decides synchronously with Redis: the middleware then awaits <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        redis is null ? Counted(_local.AttemptAcquire(permitCount)) : Lease.Pending;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Environment.TickCount64);
        if (redis is null)
        {
            return Counted(_local.AttemptAcquire(permitCount));
        }
        try
        {
            var decision = await redis.AcquireAsync(policy, partition, cancellationToken);
            if (Interlocked.Exchange(ref _fallingBack, 0) == 1)
            {
                LogDistributedAgain(logger, policy.Name);
            }
            return Counted(decision.Allowed ? Lease.Granted : Lease.Refused(decision.RetryAfter, "limit"));
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.RateLimitFallback(policy.Name);
            if (Interlocked.Exchange(ref _fallingBack, 1) == 0)
            {
                LogFallback(logger, policy.Name, policy.OnRedisFailure.ToString(), failure.GetType().Name);
            }
            return policy.OnRedisFailure == RedisFailureMode.Local
                ? Counted(_local.AttemptAcquire(permitCount))
                : Lease.Refused(TimeSpan.FromSeconds(1), "unavailable");
        }
    }

    private RateLimitLease Counted(RateLimitLease lease)
    {
        if (!lease.IsAcquired && (!lease.TryGetMetadata(Reason, out var reason) || reason == "limit"))
        {
            metrics.RateLimited(policy.Name);
        }
        return lease;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _local.Dispose();
        }
        base.Dispose(disposing);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit policy {Policy} cannot reach Redis ({Failure}); falling back: {Mode}")]
    private static partial void LogFallback(ILogger logger, string policy, string mode, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limit policy {Policy} counts in Redis again")]
    private static partial void LogDistributedAgain(ILogger logger, string policy);

    /// <summary>Leases this limiter hands out; a refusal carries Retry-After and the reason.</summary>
    private sealed class Lease(bool acquired, TimeSpan? retryAfter = null, string? reason = null) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Pending = new(false);

        public static Lease Refused(TimeSpan retryAfter, string reason) => new(false, retryAfter, reason);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames =>
            retryAfter is null ? [] : [MetadataName.RetryAfter.Name, Reason.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter
                : metadataName == Reason.Name ? reason
                : null;
            return metadata is not null;
        }
    }
}
