using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Providers;

/// <summary>
/// The investment partners' circuits, one per partner (keyed by its id), each counting and breaking as
/// <see cref="ProviderCircuit"/> does, so one partner's outage never refuses another's calls. A partner's circuit is made
/// with its resilience pipeline, on its first call, and kept for the life of the process (as the pipeline is): partners
/// are records an administrator creates, so their number is small.
/// </summary>
internal sealed class PartnerCircuits(ProviderSettings settings, ILogger<ProviderCircuit> logger)
{
    private readonly ConcurrentDictionary<string, ProviderCircuit> _circuits = new(StringComparer.Ordinal);

    public string Provider => settings.Name;

    /// <summary>The circuit of the partner whose pipeline key is <paramref name="key"/>.</summary>
    public ProviderCircuit For(string key) => _circuits.GetOrAdd(key, k => new ProviderCircuit(settings, logger, k));

    /// <summary>
    /// The metric value of the worst partner circuit (0 closed, 1 half-open, 2 open): one series for all partners, since
    /// a label per partner would be unbounded. The log line of each transition names the partner.
    /// </summary>
    public int WorstStateValue() => _circuits.Values.Select(c => ProviderMetrics.StateValue(c.State)).DefaultIfEmpty(0).Max();
}
