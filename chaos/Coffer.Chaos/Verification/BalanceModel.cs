using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>A wallet's balance as the harness expects it: posted (credits − debits) and the pending amounts out and in.</summary>
internal sealed record ExpectedBalance(long Posted, long PendingDebits, long PendingCredits)
{
    public override string ToString() => $"posted {Posted}, pending out {PendingDebits}, pending in {PendingCredits}";
}

/// <summary>
/// The harness's own model of every wallet, built only from what its clients were told (acknowledged operations) and from the
/// settled state of each acknowledged withdrawal: deposits credit, transfers move, a hold captured moves the captured part, a
/// hold voided moves nothing, a hold left unresolved is pending, a withdrawal paid debits, refused moves nothing, and one
/// still queued (its job dead) stays held. An acknowledged investment debits its principal while active (its settled state,
/// like a withdrawal's), returns it with the accrued return once redeemed and moves nothing when it failed; each dividend
/// payout marked paid credits its wallet. An acknowledged checkout holds its total while its order is unpaid, debits it once
/// paid, and moves nothing in the end when the order was cancelled (voided before payment, refunded in full after).
/// </summary>
internal static class BalanceModel
{
    public static IReadOnlyDictionary<Guid, ExpectedBalance> Expect(
        IReadOnlyList<OperationRecord> records, ChaosParties parties, IReadOnlyDictionary<Guid, WithdrawalRow> withdrawals,
        InvestmentSnapshot investments, CommerceSnapshot shop)
    {
        var posted = parties.Wallets.ToDictionary(w => w.Id, _ => 0L);
        var pendingOut = parties.Wallets.ToDictionary(w => w.Id, _ => 0L);
        var pendingIn = parties.Wallets.ToDictionary(w => w.Id, _ => 0L);
        foreach (var record in records.Where(r => r.Plan.Kind != OperationKind.Replay && r.Acknowledged))
        {
            var plan = record.Plan;
            var to = plan.To >= 0 ? parties.Wallets[plan.To].Id : Guid.Empty;
            var from = plan.From >= 0 ? parties.Wallets[plan.From].Id : Guid.Empty;
            switch (plan.Kind)
            {
                case OperationKind.Deposit:
                    posted[to] += plan.Amount;
                    break;
                case OperationKind.Transfer:
                    posted[from] -= plan.Amount;
                    posted[to] += plan.Amount;
                    break;
                case OperationKind.Withdrawal:
                    var status = record.FirstOutcome!.Id("withdrawalId") is { } id && withdrawals.TryGetValue(id, out var row) ? row.Status : "missing";
                    if (status == "paid")
                    {
                        posted[from] -= plan.Amount;
                    }
                    else if (status == "queued")
                    {
                        pendingOut[from] += plan.Amount;
                    }
                    break;
                case OperationKind.Invest:
                    var investment = record.FirstOutcome!.Id("id") is { } investmentId ? investments.Investments.GetValueOrDefault(investmentId) : null;
                    posted[from] += investment?.Status switch
                    {
                        "active" or "redeeming" => -investment.Amount,
                        "redeemed" => investment.ReturnPaid ?? 0,
                        _ => 0,
                    };
                    break;
                case OperationKind.Checkout or OperationKind.CheckoutCancel:
                    var order = record.FirstOutcome!.Id("id") is { } orderId ? shop.Orders.GetValueOrDefault(orderId) : null;
                    if (order?.Status == "pending_payment")
                    {
                        pendingOut[from] += order.Total;
                    }
                    else if (order?.Status == "paid")
                    {
                        posted[from] -= order.Total;
                    }
                    break;
                case OperationKind.Redeem or OperationKind.Dividend or OperationKind.CancelOrder:
                    break; // their money is the investment's settled state and the payouts, the order's state
                default:
                    if (record.SecondOutcome?.Kind != OutcomeKind.Succeeded)
                    {
                        pendingOut[from] += plan.Amount;
                        pendingIn[to] += plan.Amount;
                    }
                    else if (plan.Kind == OperationKind.HoldCapture)
                    {
                        posted[from] -= plan.CaptureAmount;
                        posted[to] += plan.CaptureAmount;
                    }
                    break;
            }
        }
        foreach (var payout in investments.Payouts.Where(p => p.Status == "paid" && posted.ContainsKey(p.AccountId)))
        {
            posted[payout.AccountId] += payout.Amount;
        }
        return posted.ToDictionary(p => p.Key, p => new ExpectedBalance(p.Value, pendingOut[p.Key], pendingIn[p.Key]));
    }
}
