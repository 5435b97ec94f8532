using System.Diagnostics;

namespace Coffer.Platform.Observability;

/// <summary>
/// The names under which Coffer publishes telemetry. Every module's meter is named <c>Coffer.&lt;Module&gt;</c>
/// and its activity source likewise; both are exported by prefix, so a module adds a metric or a span with one
/// line in its own metrics class and no registration.
/// </summary>
public static class CofferTelemetry
{
    /// <summary>Prefix of every Coffer meter and activity source (exported as <c>Coffer.*</c>).</summary>
    public const string Prefix = "Coffer";

    /// <summary>Spans of database round trips (one per batch sent).</summary>
    public static readonly ActivitySource Database = new(Prefix + ".Database");

    /// <summary>Spans of background work: jobs, sweepers, reconciliation.</summary>
    public static readonly ActivitySource Work = new(Prefix + ".Work");

    /// <summary>The trace id of the current activity, or null outside any trace.</summary>
    public static string? CurrentTraceId => Activity.Current?.TraceId.ToString();
}
