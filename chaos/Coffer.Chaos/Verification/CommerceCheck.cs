using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// The shop's promises, once the jobs drained and the dead ones were replayed:
/// <list type="bullet">
/// <item>every acknowledged checkout's order exists with the buyer, wallet, lines and total the client asked for (else
/// <c>lost</c>); no order exists that no client was told about, and no two keys were told the same order (<c>duplicated</c>);</item>
/// <item>an acknowledged cancellation's order is <c>cancelled</c> by the customer; one refused as an invalid transition was
/// cancelled by the system first (its reservation expired, its payment failed);</item>
/// <item>each order's stock and money agree with its state: none left <c>pending_payment</c>; its hold placed once, captured
/// once for the total when it was paid, voided when it ended unpaid; a cancelled paid order refunded exactly its total, by
/// one ledger transfer and one succeeded refund; no refund otherwise;</item>
/// <item>stock is conserved per variant: on hand = initial stock − units of orders whose stock is committed, reserved = units
/// of orders still reserving; never negative;</item>
/// <item>each tenant's merchant revenue (posted) = Σ totals of the paid orders, its pending credits = Σ totals of the unpaid.</item>
/// </list>
/// </summary>
internal static class CommerceCheck
{
    public const string Name = "commerce";

    public static string Check(IReadOnlyList<OperationRecord> records, ChaosParties parties, CommerceSnapshot shop, LedgerSnapshot ledger, Findings findings)
    {
        var checkouts = records.Where(r => r.Plan.Kind is OperationKind.Checkout or OperationKind.CheckoutCancel && r.First is not null).ToList();
        CheckCheckouts(checkouts, parties, shop, findings);
        CheckCancellations(records, shop, findings);
        foreach (var order in shop.Orders.Values)
        {
            CheckOrder(order, shop, ledger, findings);
        }
        CheckStock(parties, shop, findings);
        CheckRevenue(shop, findings);
        return Summary(checkouts, shop);
    }

    private static void CheckCheckouts(List<OperationRecord> checkouts, ChaosParties parties, CommerceSnapshot shop, Findings findings)
    {
        var told = new Dictionary<Guid, string>();
        foreach (var record in checkouts.Where(r => r.Acknowledged))
        {
            if (record.FirstOutcome!.Id("id") is not { } id || !shop.Orders.TryGetValue(id, out var order))
            {
                findings.Add(FindingKinds.Lost, $"{record.First} acknowledged with {record.FirstOutcome}: no such order");
                continue;
            }
            if (!told.TryAdd(id, record.First!.Key))
            {
                findings.Add(FindingKinds.Duplicated, $"order {id} was told to key {told[id]} and to key {record.First!.Key}");
            }
            var wallet = parties.Wallets[record.Plan.From];
            var asked = record.Plan.Items!.Select(i => (parties.Variants[i.Variant].Id, i.Quantity, parties.Variants[i.Variant].UnitPrice))
                .OrderBy(l => l.Id).ToList();
            var lines = shop.Lines[id].Select(l => (l.VariantId, l.Quantity, l.UnitPrice)).OrderBy(l => l.VariantId).ToList();
            if (order.BuyerId != wallet.Owner || order.WalletId != wallet.Id || order.Total != record.Plan.Amount || !asked.SequenceEqual(lines))
            {
                findings.Add(FindingKinds.Lost, $"{record.First}: the order is {order} with lines {string.Join(", ", lines)}, asked {string.Join(", ", asked)}");
            }
        }
        // As many untold orders as checkouts still unresolved may be theirs (reported as unresolved, not here).
        var unresolved = checkouts.Count(r => r.FirstOutcome!.Kind == OutcomeKind.Unknown);
        foreach (var order in shop.Orders.Values.Where(o => !told.ContainsKey(o.Id)).Skip(unresolved))
        {
            findings.Add(FindingKinds.Duplicated, $"order {order.Id} ({order.Total}, {order.Status}) was never acknowledged to any client");
        }
    }

    private static void CheckCancellations(IReadOnlyList<OperationRecord> records, CommerceSnapshot shop, Findings findings)
    {
        var cancels = records
            .Where(r => r.Plan.Kind is OperationKind.CancelOrder or OperationKind.CheckoutCancel)
            .Select(r => r.Plan.Kind == OperationKind.CancelOrder ? (Request: r.First, Outcome: r.FirstOutcome) : (Request: r.Second, Outcome: r.SecondOutcome))
            .Where(c => c.Request is not null && c.Outcome is { Kind: not OutcomeKind.Unknown });
        foreach (var (request, outcome) in cancels)
        {
            var id = Guid.Parse(request!.Path.Split('/')[^2]);
            var order = shop.Orders.GetValueOrDefault(id);
            var problem = outcome!.Kind == OutcomeKind.Succeeded
                ? order is { Status: "cancelled", CancelReason: "customer" } ? null : "acknowledged"
                : order is { Status: "cancelled", CancelReason: not "customer" } ? null : "refused";
            if (problem is not null)
            {
                findings.Add(problem == "acknowledged" ? FindingKinds.Lost : Name,
                    $"{request} was {problem} with {outcome}, but the order is {order?.ToString() ?? "missing"}");
            }
        }
    }

    private static void CheckOrder(OrderRow order, CommerceSnapshot shop, LedgerSnapshot ledger, Findings findings)
    {
        var expectedStock = order switch
        {
            { Status: "pending_payment" } => "reserved",
            { Status: "paid" } => "committed",
            { Status: "cancelled", Paid: true } => "restocked",
            { Status: "cancelled" } => "released",
            _ => "none (the workload never moves an order further)",
        };
        if (order.Status == "pending_payment")
        {
            findings.Add(Name, $"order {order.Id} is still pending_payment after its capture job drained");
        }
        if (order.StockStatus != expectedStock)
        {
            findings.Add(Name, $"order {order.Id} is {order.Status} (paid: {order.Paid}) with stock {order.StockStatus}, expected {expectedStock}");
        }
        var placed = shop.HoldTransfersOf(order.Id);
        var hold = order.HoldId is { } holdId ? ledger.Holds.GetValueOrDefault(holdId) : null;
        var expectedHold = order.Paid ? "captured" : order.Status == "pending_payment" ? "pending" : "voided";
        var resolutions = order.HoldId is { } id ? shop.HoldResolutions.GetValueOrDefault(id) : 0;
        if (placed.Count != 1 || hold is null || hold.Amount != order.Total || hold.Status != expectedHold
            || (order.Paid && hold.CapturedAmount != order.Total) || resolutions != (expectedHold == "pending" ? 0 : 1))
        {
            findings.Add(placed.Count > 1 || resolutions > 1 ? FindingKinds.Duplicated : Name,
                $"order {order.Id} ({order.Status}, paid: {order.Paid}, {order.Total}): {placed.Count} hold transfer(s), hold {hold?.ToString() ?? "missing"} "
                + $"resolved {resolutions} time(s), expected one {expectedHold}");
        }
        var refunded = shop.RefundTransfersOf(order.Id);
        var refunds = shop.Refunds[order.Id].ToList();
        var owed = order.CancelledAfterPayment ? order.Total : 0;
        if (refunded.Amount != owed || refunded.Count != (owed > 0 ? 1 : 0) || order.Refunded != owed
            || refunds.Count != refunded.Count || refunds.Any(f => f.Status != "succeeded" || f.Amount != order.Total))
        {
            findings.Add(refunded.Count > 1 || refunds.Count > 1 ? FindingKinds.Duplicated : Name,
                $"order {order.Id} ({order.Status}, paid: {order.Paid}, {order.Total}): {refunded.Count} refund transfer(s) of {refunded.Amount}, "
                + $"{refunds.Count} refund(s) ({string.Join(", ", refunds.Select(f => $"{f.Status} {f.Amount}"))}), refunded {order.Refunded}; owed {owed}");
        }
    }

    private static void CheckStock(ChaosParties parties, CommerceSnapshot shop, Findings findings)
    {
        var units = shop.Orders.Values.SelectMany(o => shop.Lines[o.Id].Select(l => (o.StockStatus, l.VariantId, l.Quantity))).ToList();
        foreach (var variant in parties.Variants)
        {
            var committed = units.Where(u => u.VariantId == variant.Id && u.StockStatus == "committed").Sum(u => (long)u.Quantity);
            var reserved = units.Where(u => u.VariantId == variant.Id && u.StockStatus == "reserved").Sum(u => (long)u.Quantity);
            var expected = new StockRow(variant.Id, variant.Tenant, variant.InitialStock - committed, reserved);
            var actual = shop.Stock.GetValueOrDefault(variant.Id);
            if (actual != expected || actual.OnHand < 0 || actual.Reserved < 0 || actual.Reserved > actual.OnHand)
            {
                findings.Add(Name, $"variant {variant.Sku}: on hand {actual?.OnHand}, reserved {actual?.Reserved}; from its initial {variant.InitialStock} "
                    + $"and the orders expected on hand {expected.OnHand}, reserved {expected.Reserved}");
            }
        }
    }

    private static void CheckRevenue(CommerceSnapshot shop, Findings findings)
    {
        foreach (var (tenant, _) in ChaosParties.Tenants)
        {
            var orders = shop.Orders.Values.Where(o => o.TenantId == tenant).ToList();
            var expected = (Posted: orders.Where(o => o.Status == "paid").Sum(o => o.Total),
                PendingCredits: orders.Where(o => o.Status == "pending_payment").Sum(o => o.Total));
            var actual = shop.MerchantRevenue.GetValueOrDefault(tenant);
            if (actual != expected)
            {
                findings.Add(Name, $"{tenant}: merchant revenue posted {actual.Posted}, pending {actual.PendingCredits}; "
                    + $"the paid orders total {expected.Posted}, the unpaid {expected.PendingCredits}");
            }
        }
    }

    private static string Summary(List<OperationRecord> checkouts, CommerceSnapshot shop)
    {
        var refused = checkouts.Where(r => r.FirstOutcome!.Kind == OutcomeKind.Refused).GroupBy(r => r.FirstOutcome!.Code ?? "?")
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        var orders = shop.Orders.Values.ToList();
        var cancelled = orders.Where(o => o.Status == "cancelled").GroupBy(o => o.CancelReason ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()}");
        var refunds = orders.Where(o => o.CancelledAfterPayment).ToList();
        return $"checkouts created {checkouts.Count(r => r.Acknowledged)}, refused {string.Join(", ", refused.DefaultIfEmpty("0"))}; "
            + $"orders now paid {orders.Count(o => o.Status == "paid")}, cancelled {orders.Count(o => o.Status == "cancelled")} ({string.Join(", ", cancelled)}), "
            + $"pending {orders.Count(o => o.Status == "pending_payment")}; refunded {refunds.Count} paid order(s), "
            + $"{refunds.Sum(o => shop.Lines[o.Id].Sum(l => (long)l.Quantity))} unit(s) restocked, {refunds.Sum(o => o.Refunded)}; "
            + $"merchant revenue {string.Join(", ", shop.MerchantRevenue.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value.Posted}"))}";
    }
}
