using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;

namespace Coffer.Approvals.Observability;

/// <summary>
/// The approvals module's instruments (meter <c>Coffer.Approvals</c>), exported at <c>/metrics</c> as
/// <c>coffer_approvals_total{event}</c> (created, signed, approved, executed, held, expired, rejected),
/// <c>coffer_approvals_rate_limited_total{operation}</c> and <c>coffer_approval_verify_seconds</c> (the time to verify a
/// signature: partner, state, distinctness and quorum, in its transaction). Lifecycle events count once their transaction
/// committed; labels are bounded (events, the four operations).
/// </summary>
internal sealed class ApprovalMetrics
{
    public const string MeterName = CofferTelemetry.Prefix + ".Approvals";

    private readonly Counter<long> _approvals;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _verify;

    public ApprovalMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _approvals = meter.CreateCounter<long>("coffer.approvals",
            description: "Approval lifecycle events: created, signed, approved, executed, held, expired, rejected.");
        _rateLimited = meter.CreateCounter<long>("coffer.approvals.rate_limited",
            description: "Approval requests refused because too many of the same inputs were pending or recent.");
        _verify = meter.CreateHistogram<double>("coffer.approval.verify", unit: "s",
            description: "Time to verify and record one signature (partner, state, distinctness, quorum).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    /// <summary>Counts <paramref name="lifecycleEvent"/> when <paramref name="session"/>'s transaction commits.</summary>
    public void OnCommit(DbSession session, string lifecycleEvent) =>
        session.OnCommitted(() => _approvals.Add(1, new KeyValuePair<string, object?>("event", lifecycleEvent)));

    public void RateLimited(string operation) => _rateLimited.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Verified(TimeSpan elapsed) => _verify.Record(elapsed.TotalSeconds);
}
