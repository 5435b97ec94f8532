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
    private readonly Counter<long> _flagEvaluations;
    private readonly Histogram<double> _flagPropagation;
    private readonly Meter _meter;

    public PlatformMetrics(IMeterFactory meterFactory)
    {
        var meter = _meter = meterFactory.Create(MeterName);
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
        _flagEvaluations = meter.CreateCounter<long>("coffer.flag_evaluations",
            description: "Feature-flag evaluations, by flag (stored or declared flags; 'other' for the rest) and result (on, off).");
        _flagPropagation = meter.CreateHistogram("coffer.flag_propagation", unit: "s",
            description: "Time from a flag change's commit until an instance evaluates with it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120] });
    }

    /// <summary>Reports <c>coffer_flag_kill_switch_active{flag}</c> (1 while a flag's kill switch is on) from <paramref name="flags"/>.</summary>
    public void ObserveKillSwitches(Func<IEnumerable<(string Flag, bool Active)>> flags) =>
        _meter.CreateObservableGauge("coffer.flag_kill_switch_active",
            () => flags().Select(f => new Measurement<int>(f.Active ? 1 : 0, new KeyValuePair<string, object?>("flag", f.Flag))),
            description: "1 while the flag's kill switch is on, 0 otherwise, for every stored flag.");

    public void FlagEvaluated(string flag, bool enabled) => _flagEvaluations.Add(1,
        new KeyValuePair<string, object?>("flag", flag), new KeyValuePair<string, object?>("result", enabled ? "on" : "off"));

    public void FlagPropagated(TimeSpan delay) => _flagPropagation.Record(Math.Max(0, delay.TotalSeconds));

    public void IdempotencyOutcome(string outcome) => _replays.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void LockConflict(string operation) => _lockConflicts.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void InternalRetry(string operation) => _retries.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void RateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void RateLimitFallback(string policy) => _rateLimitFallbacks.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void AuditEventCommitted(string action) => _auditEvents.Add(1, new KeyValuePair<string, object?>("action", action));
}
