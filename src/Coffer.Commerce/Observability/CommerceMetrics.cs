using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;

namespace Coffer.Commerce.Observability;

/// <summary>
/// The commerce module's order instruments (meter <c>Coffer.Commerce</c>), exported at <c>/metrics</c> as
/// <c>coffer_commerce_checkouts_total{method,result}</c> (result <c>created</c>, <c>out_of_stock</c>, <c>insufficient_funds</c>,
/// <c>rejected</c>), <c>coffer_commerce_order_transitions_total{to}</c> (an order reaching a status) and
/// <c>coffer_commerce_refunds_total{method,status}</c>. Counted once the transaction committed; every label is bounded.
/// </summary>
internal sealed class CommerceMetrics
{
    public const string MeterName = CofferTelemetry.Prefix + ".Commerce";

    private readonly Counter<long> _checkouts;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _refunds;

    public CommerceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _checkouts = meter.CreateCounter<long>("coffer.commerce.checkouts", description: "Checkouts by payment method and result.");
        _transitions = meter.CreateCounter<long>("coffer.commerce.order.transitions", description: "Orders reaching a status.");
        _refunds = meter.CreateCounter<long>("coffer.commerce.refunds", description: "Refunds requested, by method and status.");
    }

    /// <summary>A checkout's result: counted at once for a refusal, with the commit for a created order.</summary>
    public void Checkout(string method, string result) => _checkouts.Add(1,
        new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", result));

    public void OnCommit(DbSession session, string status) =>
        session.OnCommitted(() => _transitions.Add(1, new KeyValuePair<string, object?>("to", status)));

    public void OnCommitRefund(DbSession session, string method, string status) => session.OnCommitted(() => _refunds.Add(1,
        new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", status)));
}
