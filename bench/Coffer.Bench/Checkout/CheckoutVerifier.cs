using System.Globalization;
using Coffer.Bench.Load;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Checkout;

/// <summary>The checkout scenario's invariants after every capture, each re-derived on its own.</summary>
internal sealed record CheckoutVerification(
    long OrdersAcknowledged,
    long OrdersUnknown,
    int OrdersPersisted,
    IReadOnlyDictionary<string, int> OrdersByStatus,
    long AcknowledgedTotalMinor,
    long PersistedTotalMinor,
    long MerchantRevenuePostedMinor,
    long MerchantRevenuePendingMinor,
    int WalletsChecked,
    int WalletsMismatched,
    long TenantPostedDebitsMinusCredits,
    long TenantPendingDebitsMinusCredits,
    int HotCreated,
    long HotOnHand,
    long HotReserved,
    int VariantsMismatched,
    IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// (1) Orders: every 201 is persisted and paid, nothing else exists beyond the unknown outcomes, none is cancelled or still
/// pending. (2) Money: the merchant revenue account holds exactly the sum of the order totals, nothing pending; each buyer's
/// wallet went down by exactly their orders' totals (deposit − Σ totals, no hold left); debits equal credits across the tenant.
/// (3) Stock: exactly <see cref="LoadOptions.HotStock"/> checkouts of the hot variant won and it ends with 0 on hand and 0
/// reserved; every shelf variant lost exactly the units its orders bought and holds no reservation.
/// </summary>
internal static class CheckoutVerifier
{
    public static async Task<CheckoutVerification> VerifyAsync(CofferApi api, CheckoutRun run, IReadOnlyList<OrderDto> orders,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var options = run.Options;
        var placed = run.Placed;
        var unknown = run.Unknown.Count;
        var byStatus = orders.GroupBy(o => o.Status).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var persisted = orders.ToDictionary(o => o.Id);
        var missing = placed.Count(p => !persisted.ContainsKey(p.OrderId));
        Expect(problems, missing == 0, $"{missing} order(s) answered 201 but are not listed");
        Expect(problems, orders.Count >= placed.Count && orders.Count <= placed.Count + unknown,
            $"201s acknowledged {placed.Count} orders ({unknown} unknown), {orders.Count} are persisted");
        var notPaid = orders.Where(o => o.Status != "paid").ToList();
        Expect(problems, notPaid.Count == 0,
            $"{notPaid.Count} order(s) not paid: {string.Join(", ", notPaid.Take(5).Select(o => $"{o.Id} {o.Status} {o.CancelReason}"))}");
        var wrongTotals = placed.Count(p => persisted.TryGetValue(p.OrderId, out var o) && o.Total != p.TotalMinor);
        Expect(problems, wrongTotals == 0, $"{wrongTotals} order(s) listed with another total than their 201 answered");
        var pricedWrong = placed.Count(p => p.TotalMinor != p.Items.Sum(i => i.Quantity * run.PriceOf(i.VariantId)));
        Expect(problems, pricedWrong == 0, $"{pricedWrong} order total(s) differ from the catalog prices times the quantities");

        var acknowledgedTotal = placed.Sum(p => p.TotalMinor);
        var persistedTotal = orders.Sum(o => o.Total);
        var systems = await api.ListAccountsAsync("system", null, cancellationToken);
        var revenue = systems.Where(a => a.SystemCode == "merchant_revenue" && a.Currency == options.Currency).ToList();
        Expect(problems, revenue.Count == 1, $"{revenue.Count} merchant_revenue account(s) in {options.Currency}");
        var revenuePosted = revenue.Sum(a => a.Balance.Posted);
        var revenuePending = revenue.Sum(a => a.Balance.Pending);
        Expect(problems, revenuePosted == persistedTotal, $"merchant revenue holds {revenuePosted}, the orders total {persistedTotal}");
        Expect(problems, revenuePending == 0, $"merchant revenue has {revenuePending} pending (an uncaptured hold)");

        var wallets = (await api.ListAccountsAsync("wallet", null, cancellationToken)).ToDictionary(w => w.Id);
        var spent = orders.Where(o => o.Payment.AccountId is not null).GroupBy(o => o.Payment.AccountId!.Value).ToDictionary(g => g.Key, g => g.Sum(o => o.Total));
        var mismatched = new List<string>();
        foreach (var customer in run.Shop.Customers)
        {
            var expected = options.DepositMinor - spent.GetValueOrDefault(customer.WalletId);
            if (!wallets.TryGetValue(customer.WalletId, out var wallet))
            {
                mismatched.Add($"{customer.WalletId} missing");
            }
            else if (wallet.Balance.Posted != expected || wallet.Balance.Pending != 0 || wallet.Balance.Available != expected)
            {
                mismatched.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{wallet.Id} posted {wallet.Balance.Posted} pending {wallet.Balance.Pending} available {wallet.Balance.Available}, expected {expected}"));
            }
        }
        Expect(problems, mismatched.Count == 0, $"{mismatched.Count} wallet(s) did not go down by exactly their orders' totals: {string.Join("; ", mismatched.Take(3))}");
        var (postedDifference, pendingDifference) = await Verifier.TenantDifferencesAsync(api, cancellationToken);
        Expect(problems, postedDifference == 0 && pendingDifference == 0,
            $"tenant debits minus credits: posted {postedDifference}, pending {pendingDifference} (both must be 0)");

        var burst = run.Burst;
        var hotCreated = burst.Created.Count;
        Expect(problems, hotCreated == options.HotStock && burst.Unknown == 0,
            $"{hotCreated} checkouts of the hot variant won ({burst.Unknown} unknown), it had {options.HotStock} units");
        var refused = burst.Outcomes.GetValueOrDefault("409 out_of_stock");
        Expect(problems, refused == burst.Requests - options.HotStock,
            $"{refused} hot checkouts were refused out_of_stock, expected {burst.Requests - options.HotStock}");
        var hot = await api.GetJsonAsync<StockDto>($"api/v1/commerce/inventory/{run.Shop.Hot.Id}", cancellationToken);
        Expect(problems, hot.OnHand == 0 && hot.Reserved == 0 && hot.Available == 0,
            $"the hot variant ends with {hot.OnHand} on hand, {hot.Reserved} reserved, {hot.Available} available (all must be 0)");

        var variantsMismatched = await CheckShelfAsync(api, run, problems, cancellationToken);
        return new CheckoutVerification(placed.Count, unknown, orders.Count, byStatus, acknowledgedTotal, persistedTotal, revenuePosted,
            revenuePending, run.Shop.Customers.Count, mismatched.Count, postedDifference, pendingDifference, hotCreated, hot.OnHand, hot.Reserved,
            variantsMismatched, problems);
    }

    /// <summary>Each shelf variant: on hand = stocked − the units of the 201s (up to the unknown outcomes' units less), none reserved.</summary>
    private static async Task<int> CheckShelfAsync(CofferApi api, CheckoutRun run, List<string> problems, CancellationToken cancellationToken)
    {
        var sold = run.Placed.SelectMany(p => p.Items).GroupBy(i => i.VariantId).ToDictionary(g => g.Key, g => (long)g.Sum(i => i.Quantity));
        var maybe = run.Unknown.SelectMany(items => items).GroupBy(i => i.VariantId).ToDictionary(g => g.Key, g => (long)g.Sum(i => i.Quantity));
        var mismatched = 0;
        foreach (var variant in run.Shop.Variants)
        {
            var stock = await api.GetJsonAsync<StockDto>($"api/v1/commerce/inventory/{variant.Id}", cancellationToken);
            var expected = variant.StockedUnits - sold.GetValueOrDefault(variant.Id);
            var lowest = expected - maybe.GetValueOrDefault(variant.Id);
            if (stock.Reserved != 0 || stock.OnHand > expected || stock.OnHand < lowest)
            {
                mismatched++;
                problems.Add($"variant {variant.Sku}: {stock.OnHand} on hand, {stock.Reserved} reserved; expected {expected} on hand (at least {lowest}), 0 reserved");
            }
        }
        return mismatched;
    }

    private static void Expect(List<string> problems, bool holds, string problem)
    {
        if (!holds)
        {
            problems.Add(problem);
        }
    }
}
