using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Polly.CircuitBreaker;

namespace Coffer.Platform.Providers;

/// <summary>
/// Provider instruments, on the platform's meter (<see cref="PlatformMetrics.MeterName"/>). Labels are bounded: the
/// configured providers' names and a fixed set of outcomes (the partners share one series, never one per partner).
/// </summary>
internal sealed class ProviderMetrics
{
    public const string Calls = "coffer.provider.calls";
    public const string CircuitState = "coffer.provider.circuit_state";

    private readonly Counter<long> _calls;

    public ProviderMetrics(IMeterFactory meterFactory, IEnumerable<ProviderCircuit> circuits, PartnerCircuits partners)
    {
        var meter = meterFactory.Create(PlatformMetrics.MeterName);
        _calls = meter.CreateCounter<long>(Calls,
            description: "Provider calls (each with its retries) by provider and outcome (success, transient, rejected, short_circuited).");
        var all = circuits.ToArray();
        meter.CreateObservableGauge(CircuitState,
            () => all.Select(c => new Measurement<int>(StateValue(c.State), new KeyValuePair<string, object?>("provider", c.Provider)))
                .Append(new Measurement<int>(partners.WorstStateValue(), new KeyValuePair<string, object?>("provider", partners.Provider))),
            description: "Each provider's circuit: 0 closed, 1 half-open (one probe call), 2 open (calls refused without reaching the provider); "
                + "for partners, the worst of their circuits.");
    }

    public void CallCompleted(string provider, string outcome) => _calls.Add(1,
        new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", outcome));

    public static int StateValue(CircuitState state) => state switch
    {
        Polly.CircuitBreaker.CircuitState.Closed => 0,
        Polly.CircuitBreaker.CircuitState.HalfOpen => 1,
        _ => 2, // open, or isolated by hand
    };
}
