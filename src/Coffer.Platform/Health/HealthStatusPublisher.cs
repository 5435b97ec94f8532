using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coffer.Platform.Health;

/// <summary>
/// Runs the health checks periodically (the framework's publisher schedule) and exposes each result as the gauge
/// <c>coffer_health_status{check}</c>: 1 healthy, 0.5 degraded, 0 unhealthy. Alerts read it, so a failing
/// dependency pages even when no probe is looking.
/// </summary>
internal sealed class HealthStatusPublisher : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, double> _latest = new(StringComparer.Ordinal);

    public HealthStatusPublisher(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(PlatformMetrics.MeterName);
        meter.CreateObservableGauge("coffer.health.status", Observe,
            description: "Latest result of each health check: 1 healthy, 0.5 degraded, 0 unhealthy.");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            _latest[name] = entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            };
        }
        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<double>> Observe() =>
        _latest.Select(pair => new Measurement<double>(pair.Value, new KeyValuePair<string, object?>("check", pair.Key)));
}
