using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// Every acknowledged operation is durable: the resource the client was told about exists in the database with the amounts
/// and accounts the client asked for — a deposit's and a transfer's row, a hold (captured or voided when that was
/// acknowledged too), a withdrawal. A missing or different one is <c>lost</c>.
/// </summary>
internal static class DurabilityCheck
{
    public static void Check(IReadOnlyList<OperationRecord> records, ChaosParties parties, LedgerSnapshot snapshot, Findings findings)
    {
        var transfers = snapshot.Transfers.ToDictionary(t => t.Id);
        foreach (var record in records.Where(r => r.Plan.Kind != OperationKind.Replay && r.Acknowledged))
        {
            var plan = record.Plan;
            var problem = plan.Kind switch
            {
                OperationKind.Deposit => TransferProblem(transfers, record, "deposit", null, parties.Wallets[plan.To].Id),
                OperationKind.Transfer => TransferProblem(transfers, record, "transfer", parties.Wallets[plan.From].Id, parties.Wallets[plan.To].Id),
                OperationKind.Withdrawal => WithdrawalProblem(snapshot, record, parties.Wallets[plan.From].Id),
                OperationKind.Invest or OperationKind.Redeem or OperationKind.Dividend => null, // InvestmentCheck
                OperationKind.Checkout or OperationKind.CheckoutCancel or OperationKind.CancelOrder => null, // CommerceCheck
                _ => HoldProblem(snapshot, record),
            };
            if (problem is not null)
            {
                findings.Add(FindingKinds.Lost, $"{record.First} acknowledged with {record.FirstOutcome}: {problem}");
            }
        }
    }

    private static string? TransferProblem(Dictionary<Guid, TransferRow> transfers, OperationRecord record, string code, Guid? from, Guid to)
    {
        if (record.FirstOutcome!.Id("id") is not { } id || !transfers.TryGetValue(id, out var row))
        {
            return "no such transfer in the ledger";
        }
        return row.Code == code && row.Amount == record.Plan.Amount && row.CreditAccountId == to && (from is null || row.DebitAccountId == from)
            ? null
            : $"the ledger holds {row} instead";
    }

    private static string? WithdrawalProblem(LedgerSnapshot snapshot, OperationRecord record, Guid wallet)
    {
        if (record.FirstOutcome!.Id("withdrawalId") is not { } id || !snapshot.Withdrawals.TryGetValue(id, out var row))
        {
            return "no such withdrawal";
        }
        return row.Amount == record.Plan.Amount && row.AccountId == wallet ? null : $"the database holds {row} instead";
    }

    private static string? HoldProblem(LedgerSnapshot snapshot, OperationRecord record)
    {
        if (record.FirstOutcome!.Id("id") is not { } id || !snapshot.Holds.TryGetValue(id, out var hold))
        {
            return "no such hold";
        }
        if (hold.Amount != record.Plan.Amount)
        {
            return $"the hold is {hold}";
        }
        if (record.SecondOutcome?.Kind != OutcomeKind.Succeeded)
        {
            return null;
        }
        var captured = record.Plan.Kind == OperationKind.HoldCapture;
        return (captured ? hold.Status == "captured" && hold.CapturedAmount == record.Plan.CaptureAmount : hold.Status == "voided")
            ? null
            : $"{record.Second} was acknowledged with {record.SecondOutcome}, but the hold is {hold}";
    }
}
