using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Observability;

/// <summary>
/// The investment module's instruments (meter <c>Coffer.Investments</c>), exported at <c>/metrics</c> as
/// <c>coffer_investments_total{event}</c> (created, execution_queued, activated, failed, redemption_queued, redeemed) and
/// <c>coffer_dividend_payouts_total{outcome}</c> with <c>coffer_dividend_paid_amount_total{currency}</c> (minor units).
/// Counted only once the transaction that did it committed. Labels are bounded: events, outcomes, ISO currencies.
/// </summary>
internal sealed class InvestmentMetrics
{
    public const string MeterName = CofferTelemetry.Prefix + ".Investments";

    private readonly Counter<long> _investments;
    private readonly Counter<long> _payouts;
    private readonly Counter<long> _paidAmount;

    public InvestmentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _investments = meter.CreateCounter<long>("coffer.investments",
            description: "Investment lifecycle events: created, execution_queued, activated, failed, redemption_queued, redeemed.");
        _payouts = meter.CreateCounter<long>("coffer.dividend.payouts", description: "Dividend payouts settled, by outcome (paid, failed).");
        _paidAmount = meter.CreateCounter<long>("coffer.dividend.paid.amount", description: "Dividends paid, in minor units of the currency.");
    }

    /// <summary>Counts <paramref name="lifecycleEvent"/> when <paramref name="session"/>'s transaction commits.</summary>
    public void OnCommit(DbSession session, string lifecycleEvent) =>
        session.OnCommitted(() => _investments.Add(1, new KeyValuePair<string, object?>("event", lifecycleEvent)));

    public void OnCommitPaid(DbSession session, int payouts, long amount, string currency) => session.OnCommitted(() =>
    {
        _payouts.Add(payouts, new KeyValuePair<string, object?>("outcome", "paid"));
        _paidAmount.Add(amount, new KeyValuePair<string, object?>("currency", currency));
    });

    public void OnCommitFailedPayout(DbSession session) =>
        session.OnCommitted(() => _payouts.Add(1, new KeyValuePair<string, object?>("outcome", "failed")));
}
