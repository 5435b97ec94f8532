using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;

namespace Coffer.Platform.Jobs;

/// <summary>
/// Job instruments (meter <c>Coffer.Platform</c>): attempts by type and outcome, attempt duration, and — sampled by the
/// workers from the table — jobs by type and status, the queue lag (age of the oldest due job) and the RabbitMQ outbox
/// (due jobs not yet published; no label). The type label is a
/// registered job type ("other" for rows of types this process does not know).
/// </summary>
public sealed class JobMetrics
{
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private readonly HashSet<string> _knownTypes;
    private volatile IReadOnlyList<(string Type, string Status, long Count)> _census = [];
    private double _queueLagSeconds;
    private long _outbox = -1; // -1: not sampled (the database transport has no outbox)

    public JobMetrics(IMeterFactory meterFactory, JobHandlerRegistry handlers)
    {
        _knownTypes = handlers.Types.ToHashSet(StringComparer.Ordinal);
        var meter = meterFactory.Create(PlatformMetrics.MeterName);
        _attempts = meter.CreateCounter<long>("coffer.job.attempts",
            description: "Job attempts by type and outcome (succeeded, failed, dead, lease_lost, released).");
        _duration = meter.CreateHistogram("coffer.job.duration", unit: "s", description: "How long job attempts ran, by type.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        meter.CreateObservableGauge("coffer.jobs",
            () => _census.Select(c => new Measurement<long>(c.Count,
                new KeyValuePair<string, object?>("type", c.Type), new KeyValuePair<string, object?>("status", c.Status))),
            description: "Jobs in the table by type and status (sampled by workers).");
        meter.CreateObservableGauge("coffer.job.queue_lag", () => Volatile.Read(ref _queueLagSeconds), unit: "s",
            description: "Age of the oldest job that is due and not yet running (0 when none waits).");
        meter.CreateObservableGauge("coffer.job.outbox",
            () => Interlocked.Read(ref _outbox) is >= 0 and var outbox ? [new Measurement<long>(outbox)] : Array.Empty<Measurement<long>>(),
            description: "Due jobs not yet published to RabbitMQ (the RabbitMQ transport's outbox; grows while the broker is unreachable).");
    }

    public string LabelOf(string type) => _knownTypes.Contains(type) ? type : "other";

    public void Attempted(string type, string outcome, TimeSpan duration)
    {
        var label = LabelOf(type);
        _attempts.Add(1, new KeyValuePair<string, object?>("type", label), new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("type", label));
    }

    internal void Sampled(IEnumerable<(string Type, string Status, long Count)> census, TimeSpan queueLag, long? outbox)
    {
        _census = census.GroupBy(c => (Type: LabelOf(c.Type), c.Status)).Select(g => (g.Key.Type, g.Key.Status, g.Sum(c => c.Count))).ToList();
        Volatile.Write(ref _queueLagSeconds, Math.Max(0, queueLag.TotalSeconds));
        Interlocked.Exchange(ref _outbox, outbox ?? -1);
    }
}
