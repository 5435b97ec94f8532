using System.Diagnostics.Metrics;

namespace Coffer.Platform.Observability;

/// <summary>
/// Platform-wide instruments (meter <c>Coffer.Platform</c>). Labels are bounded: operation names come from route
/// templates or worker names, never ids or amounts. Prometheus names: counters gain <c>_total</c>.
/// </summary>
public sealed class PlatformMetrics
{
    public const string MeterName = CofferTelemetry.Prefix + ".Platform";

    private readonly Counter<long> _replays;
    private readonly Counter<long> _lockConflicts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _auditEvents;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _rateLimitFallbacks;

    public PlatformMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _replays = meter.CreateCounter<long>("coffer.idempotency.replays",
            description: "Requests answered from an idempotency record instead of running again, by outcome (replayed, in_flight, key_reused).");
        _lockConflicts = meter.CreateCounter<long>("coffer.fund_lock_conflicts",
            description: "Database lock conflicts (deadlock, serialization failure, lock timeout, busy) met by a unit of work, by operation.");
        _retries = meter.CreateCounter<long>("coffer.internal_retries",
            description: "Units of work re-run after a transient database failure, by operation.");
        _auditEvents = meter.CreateCounter<long>("coffer.audit.events",
            description: "Audit events committed, by action.");
        _rateLimited = meter.CreateCounter<long>("coffer.rate_limited",
            description: "Requests refused by a rate-limit policy, by policy.");
        _rateLimitFallbacks = meter.CreateCounter<long>("coffer.rate_limit_fallbacks",
            description: "Rate-limit decisions taken without Redis (unreachable, slow, or circuit open), by policy.");
    }

    public void IdempotencyOutcome(string outcome) => _replays.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void LockConflict(string operation) => _lockConflicts.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void InternalRetry(string operation) => _retries.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void RateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void RateLimitFallback(string policy) => _rateLimitFallbacks.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void AuditEventCommitted(string action) => _auditEvents.Add(1, new KeyValuePair<string, object?>("action", action));
}
