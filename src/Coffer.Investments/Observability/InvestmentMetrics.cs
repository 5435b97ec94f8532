using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Observability;

/// <summary>
/// The investment module's instruments (meter <c>Coffer.Investments</c>), exported at <c>/metrics</c> as
/// <c>coffer_investments_total{event}</c> (created, execution_queued, activated, failed, redemption_queued, redeemed) and
/// <c>coffer_dividend_payouts_total{outcome}</c> with <c>coffer_dividend_paid_amount_total{currency}</c> (minor units).
/// The reserves engine: <c>coffer_reserves_engine_run_seconds{trigger,outcome}</c> (histogram; trigger api|schedule, outcome
/// topup|release|release_pending|none|conflict|timeout|failed) and <c>coffer_reserves_engine_timeouts_total{trigger}</c>; lock
/// conflicts of a run are counted by the platform's <c>coffer_fund_lock_conflicts_total{operation}</c>.
/// Counted only once the transaction that did it committed (engine timings: when the run ended, however it ended). Labels are bounded: events, outcomes, ISO currencies.
/// </summary>
internal sealed class InvestmentMetrics
{
    public const string MeterName = CofferTelemetry.Prefix + ".Investments";

    private readonly Counter<long> _investments;
    private readonly Counter<long> _payouts;
    private readonly Counter<long> _paidAmount;
    private readonly Histogram<double> _reserveRuns;
    private readonly Counter<long> _reserveTimeouts;

    public InvestmentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _investments = meter.CreateCounter<long>("coffer.investments",
            description: "Investment lifecycle events: created, execution_queued, activated, failed, redemption_queued, redeemed.");
        _payouts = meter.CreateCounter<long>("coffer.dividend.payouts", description: "Dividend payouts settled, by outcome (paid, failed).");
        _paidAmount = meter.CreateCounter<long>("coffer.dividend.paid.amount", description: "Dividends paid, in minor units of the currency.");
        _reserveRuns = meter.CreateHistogram("coffer.reserves.engine.run", unit: "s",
            description: "Duration of one reserves-engine run over one product, by trigger and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _reserveTimeouts = meter.CreateCounter<long>("coffer.reserves.engine.timeouts",
            description: "Reserves-engine runs cancelled at the run timeout (rolled back), by trigger.");
    }

    /// <summary>Counts <paramref name="lifecycleEvent"/> when <paramref name="session"/>'s transaction commits.</summary>
    public void OnCommit(DbSession session, string lifecycleEvent) =>
        session.OnCommitted(() => _investments.Add(1, new KeyValuePair<string, object?>("event", lifecycleEvent)));

    public void OnCommitPaid(DbSession session, int payouts, long amount, string currency) => session.OnCommitted(() =>
    {
        _payouts.Add(payouts, new KeyValuePair<string, object?>("outcome", "paid"));
        _paidAmount.Add(amount, new KeyValuePair<string, object?>("currency", currency));
    });

    public void ReserveRunEnded(string trigger, string outcome, TimeSpan duration) => _reserveRuns.Record(duration.TotalSeconds,
        new KeyValuePair<string, object?>("trigger", trigger), new KeyValuePair<string, object?>("outcome", outcome));

    public void ReserveRunTimedOut(string trigger) => _reserveTimeouts.Add(1, new KeyValuePair<string, object?>("trigger", trigger));

    public void OnCommitFailedPayout(DbSession session) =>
        session.OnCommitted(() => _payouts.Add(1, new KeyValuePair<string, object?>("outcome", "failed")));
}
