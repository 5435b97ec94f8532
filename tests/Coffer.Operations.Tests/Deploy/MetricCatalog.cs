using System.Text.RegularExpressions;

namespace Coffer.Operations.Tests.Deploy;

/// <summary>
/// The metrics Coffer exports under its own prefix; keep in sync with docs/observability.md. The dashboard and
/// the alert rules may use no other coffer_* name, so a renamed or misspelt metric fails here instead of
/// leaving an empty panel or an alert that can never fire.
/// </summary>
internal static partial class MetricCatalog
{
    public static readonly IReadOnlySet<string> CofferMetrics = new HashSet<string>(StringComparer.Ordinal)
    {
        "coffer_transfers_total",
        "coffer_transferred_amount_total",
        "coffer_value_held",
        "coffer_idempotency_replays_total",
        "coffer_fund_lock_conflicts_total",
        "coffer_internal_retries_total",
        "coffer_reconciliation_mismatches_total",
        "coffer_reconciliation_runs_total",
        "coffer_reconciliation_last_run_timestamp_seconds",
        "coffer_audit_events_total",
        "coffer_health_status",
        "coffer_rate_limited_total",
        "coffer_rate_limit_fallbacks_total",
        "coffer_spoofed_identity_headers_total",
        "coffer_flag_evaluations_total",
        "coffer_flag_kill_switch_active",
        "coffer_jobs",
        "coffer_job_attempts_total",
        "coffer_job_queue_lag_seconds",
        "coffer_job_outbox",
        "coffer_provider_calls_total",
        "coffer_provider_circuit_state",
        "coffer_reserves_engine_timeouts_total",
        // A histogram's count is the series a rate of runs reads.
        "coffer_reserves_engine_run_seconds_count",
        // Histograms are named by the series PromQL reads: their buckets.
        "coffer_flag_propagation_seconds_bucket",
        "coffer_job_duration_seconds_bucket",
        "coffer_reserves_engine_run_seconds_bucket",
    };

    /// <summary>The coffer_* names a PromQL expression mentions.</summary>
    public static IEnumerable<string> CofferMetricsIn(string expression) =>
        CofferMetricName().Matches(expression).Select(m => m.Value);

    [GeneratedRegex(@"\bcoffer_[a-zA-Z0-9_:]*[a-zA-Z0-9]")]
    private static partial Regex CofferMetricName();
}
