using System.Diagnostics.Metrics;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Observability;

namespace Coffer.Ledger.Observability;

/// <summary>
/// The ledger's instruments (meter <c>Coffer.Ledger</c>), exported at <c>/metrics</c> as
/// <c>coffer_transfers_total{code,outcome}</c>, <c>coffer_transferred_amount_total{currency}</c> (minor units),
/// <c>coffer_value_held{currency,state}</c> and the reconciliation series. Labels are bounded: codes, outcomes,
/// ISO currencies and check names; never ids or amounts.
/// </summary>
internal sealed class LedgerMetrics
{
    public const string MeterName = CofferTelemetry.Prefix + ".Ledger";

    private readonly Counter<long> _transfers;
    private readonly Counter<long> _amount;
    private readonly Counter<long> _mismatches;
    private readonly Counter<long> _runs;
    private volatile IReadOnlyList<ValueHeld> _valueHeld = [];
    private long _lastRunUnixSeconds;

    public LedgerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _transfers = meter.CreateCounter<long>("coffer.transfers",
            description: "Transfers by code (transfer, deposit, reversal, hold, hold_capture, hold_void, hold_expiry) and outcome (posted, rejected).");
        _amount = meter.CreateCounter<long>("coffer.transferred.amount",
            description: "Amount moved by committed transfers, in minor units of the currency.");
        meter.CreateObservableGauge("coffer.value_held", ObserveValueHeld,
            description: "Value held per currency, in minor units: state=posted is the wallets' posted balances, state=pending the pending holds. Sampled by workers.");
        _mismatches = meter.CreateCounter<long>("coffer.reconciliation.mismatches",
            description: "Reconciliation findings by check (balance, conservation, overdraft, hold, audit_chain).");
        _runs = meter.CreateCounter<long>("coffer.reconciliation.runs",
            description: "Reconciliation runs by result (clean, mismatch, failed).");
        meter.CreateObservableGauge("coffer.reconciliation.last_run_timestamp", () => Interlocked.Read(ref _lastRunUnixSeconds),
            unit: "s", description: "When the last reconciliation run finished (Unix time); 0 before the first.");
    }

    public readonly record struct ValueHeld(string Currency, string State, long Amount);

    /// <summary>Counts committed transfers; called once their transaction committed.</summary>
    public void Committed(IReadOnlyList<Transfer> transfers)
    {
        foreach (var transfer in transfers)
        {
            _transfers.Add(1, new("code", transfer.Code), new("outcome", "posted"));
            _amount.Add(transfer.Amount, new KeyValuePair<string, object?>("currency", transfer.Currency));
        }
    }

    /// <summary>A movement refused by the ledger's rules (funds, currency, state).</summary>
    public void Rejected(string code, int count = 1) => _transfers.Add(count, new("code", code), new("outcome", "rejected"));

    public void ReconciliationFinished(string result, IEnumerable<string> mismatchChecks, DateTimeOffset at)
    {
        foreach (var check in mismatchChecks)
        {
            _mismatches.Add(1, new KeyValuePair<string, object?>("check", check));
        }
        _runs.Add(1, new KeyValuePair<string, object?>("result", result));
        Interlocked.Exchange(ref _lastRunUnixSeconds, at.ToUnixTimeSeconds());
    }

    public void SampleValueHeld(IReadOnlyList<ValueHeld> sample) => _valueHeld = sample;

    private IEnumerable<Measurement<long>> ObserveValueHeld() => _valueHeld.Select(v =>
        new Measurement<long>(v.Amount, new("currency", v.Currency), new("state", v.State)));
}
