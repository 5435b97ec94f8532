using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// The investment module kept its promises through the faults, once the jobs drained and the dead ones were replayed:
/// <list type="bullet">
/// <item>every acknowledged placement, execution, redemption and dividend is in the database (<c>lost</c> otherwise), and no
/// investment or distribution exists that no client was told about (<c>duplicated</c>);</item>
/// <item>nothing is stuck: no investment left <c>executing</c> or <c>redeeming</c>, an acknowledged execution ended
/// <c>active</c>, <c>failed</c> or <c>redeemed</c>, an acknowledged redemption <c>redeemed</c>, no distribution left
/// <c>queued</c> or <c>running</c>;</item>
/// <item>exactly one <c>investment:{id}:debit</c> transfer per investment that was not refused for funds (none for those and
/// for pending ones), at most one compensation (one exactly for a failure after the debit), one principal return exactly for a
/// redeemed one;</item>
/// <item>each tenant's custody holds the principal of its active and redeeming investments;</item>
/// <item>each completed distribution paid its total exactly (nothing pending or failed), payouts unique per (distribution,
/// investment), each paid payout one ledger transfer of its amount, none for an unpaid one, no dividend transfer without
/// a payout; a failed distribution paid nothing.</item>
/// </list>
/// </summary>
internal static class InvestmentCheck
{
    public const string Name = "investments";
    private const string RefusedForFunds = "The wallet could not be debited";

    public static string Check(IReadOnlyList<OperationRecord> records, InvestmentSnapshot snapshot, Findings findings)
    {
        var invests = records.Where(r => r.Plan.Kind == OperationKind.Invest && r.First is not null).ToList();
        CheckInvestments(invests, records, snapshot, findings);
        CheckMoney(snapshot, findings);
        CheckDistributions(records, snapshot, findings);
        return Summary(invests, snapshot);
    }

    private static void CheckInvestments(List<OperationRecord> invests, IReadOnlyList<OperationRecord> records, InvestmentSnapshot snapshot,
        Findings findings)
    {
        var told = new HashSet<Guid>();
        foreach (var record in invests.Where(r => r.Acknowledged))
        {
            var id = record.FirstOutcome!.Id("id");
            if (id is null || !snapshot.Investments.TryGetValue(id.Value, out var row))
            {
                findings.Add(FindingKinds.Lost, $"{record.First} acknowledged with {record.FirstOutcome}: no such investment");
                continue;
            }
            told.Add(row.Id);
            if (row.Amount != record.Plan.Amount)
            {
                findings.Add(FindingKinds.Lost, $"{record.First}: the investment is {row}");
            }
            if (record.SecondOutcome?.Kind == OutcomeKind.Succeeded)
            {
                if (row.ExecuteJobId != record.SecondOutcome.Id("jobId"))
                {
                    findings.Add(FindingKinds.Lost, $"{record.Second} answered job {record.SecondOutcome.Id("jobId")}, the investment names {row.ExecuteJobId}");
                }
                if (row.Status is not ("active" or "failed" or "redeemed"))
                {
                    findings.Add(Name, $"investment {row.Id}: its execution was acknowledged, it is {row.Status}");
                }
            }
        }
        foreach (var redeem in records.Where(r => r.Plan.Kind == OperationKind.Redeem && r.Acknowledged))
        {
            var id = records[redeem.Plan.ReplayOf].FirstOutcome!.Id("id")!.Value;
            if (!snapshot.Investments.TryGetValue(id, out var row) || row.RedeemJobId != redeem.FirstOutcome!.Id("jobId") || row.Status != "redeemed")
            {
                findings.Add(Name, $"{redeem.First} acknowledged with {redeem.FirstOutcome}, the investment is {row?.ToString() ?? "missing"}");
            }
        }
        // As many untold investments as placements still unresolved may be theirs (reported as unresolved, not here).
        var unresolved = invests.Count(r => r.FirstOutcome!.Kind == OutcomeKind.Unknown);
        foreach (var row in snapshot.Investments.Values.Where(i => !told.Contains(i.Id)).Skip(unresolved))
        {
            findings.Add(FindingKinds.Duplicated, $"investment {row.Id} ({row.Amount}, {row.Status}) was never acknowledged to any client");
        }
        foreach (var row in snapshot.Investments.Values)
        {
            CheckTransfers(row, snapshot, findings);
        }
    }

    private static void CheckTransfers(InvestmentRow row, InvestmentSnapshot snapshot, Findings findings)
    {
        if (row.Status is "executing" or "redeeming")
        {
            findings.Add(Name, $"investment {row.Id} is stuck in {row.Status} after the jobs drained and the dead ones were replayed");
            return;
        }
        var refusedForFunds = row.Status == "failed" && row.FailureReason?.StartsWith(RefusedForFunds, StringComparison.Ordinal) == true;
        var debited = row.Status is "active" or "redeemed" || (row.Status == "failed" && !refusedForFunds);
        var expected = new (string Step, int Count, long Amount)[]
        {
            ("debit", debited ? 1 : 0, row.Amount),
            ("compensation", row.Status == "failed" && !refusedForFunds ? 1 : 0, row.Amount),
            ("principal", row.Status == "redeemed" ? 1 : 0, row.Amount),
            ("return", row.Status == "redeemed" && row.ReturnPaid > 0 ? 1 : 0, row.ReturnPaid ?? 0),
        };
        foreach (var (step, count, amount) in expected)
        {
            var tally = snapshot.Reference($"investment:{row.Id:N}:{step}");
            if (tally.Count != count || (count == 1 && tally.Amount != amount))
            {
                var kind = tally.Count > Math.Max(count, 1) ? FindingKinds.Duplicated : Name; // twice under one reference: duplicated
                findings.Add(kind, $"investment {row.Id} ({row.Status}, {row.Amount}): {tally.Count} {step} transfer(s) of {tally.Amount}, expected {count}");
            }
        }
    }

    private static void CheckMoney(InvestmentSnapshot snapshot, Findings findings)
    {
        foreach (var group in snapshot.Investments.Values.GroupBy(i => i.TenantId))
        {
            var custody = snapshot.Custody.Where(c => c.TenantId == group.Key).ToList();
            var principal = group.Where(i => i.Status is "active" or "redeeming").Sum(i => i.Amount);
            if (custody.Count != 1 || custody[0].Posted != principal)
            {
                findings.Add(Name, $"{group.Key}: custody holds {string.Join(", ", custody.Select(c => $"{c.Code} {c.Posted}"))}, the active principal is {principal}");
            }
        }
    }

    private static void CheckDistributions(IReadOnlyList<OperationRecord> records, InvestmentSnapshot snapshot, Findings findings)
    {
        var dividends = records.Where(r => r.Plan.Kind == OperationKind.Dividend && r.First is not null).ToList();
        var told = new HashSet<Guid>();
        foreach (var record in dividends.Where(r => r.Acknowledged))
        {
            if (record.FirstOutcome!.Id("distributionId") is not { } id || !snapshot.Distributions.TryGetValue(id, out var row)
                || row.TotalAmount != record.Plan.Amount || row.Reference != record.First!.Key)
            {
                findings.Add(FindingKinds.Lost, $"{record.First} acknowledged with {record.FirstOutcome}: no such distribution");
                continue;
            }
            told.Add(id);
        }
        var unresolved = dividends.Count(r => r.FirstOutcome!.Kind == OutcomeKind.Unknown);
        foreach (var row in snapshot.Distributions.Values.Where(d => !told.Contains(d.Id)).Skip(unresolved))
        {
            findings.Add(FindingKinds.Duplicated, $"distribution {row.Id} ({row.Reference}, {row.TotalAmount}) was never acknowledged to any client");
        }
        var payouts = snapshot.Payouts.ToLookup(p => p.DistributionId);
        foreach (var row in snapshot.Distributions.Values)
        {
            var own = payouts[row.Id].ToList();
            foreach (var twice in own.GroupBy(p => p.InvestmentId).Where(g => g.Count() > 1))
            {
                findings.Add(FindingKinds.Duplicated, $"distribution {row.Id}: {twice.Count()} payouts to investment {twice.Key}");
            }
            var paid = own.Where(p => p.Status == "paid").Sum(p => p.Amount);
            var problem = row.Status switch
            {
                "completed" when paid != row.TotalAmount || own.Any(p => p.Status != "paid") =>
                    $"completed with {paid} of {row.TotalAmount} paid, {own.Count(p => p.Status != "paid")} payout(s) not paid",
                "failed" when own.Count > 0 => $"failed ({row.FailureReason}) with {own.Count} payout(s)",
                "queued" or "running" => $"stuck {row.Status} after the jobs drained and the dead ones were replayed",
                _ => null,
            };
            if (problem is not null)
            {
                findings.Add(Name, $"distribution {row.Id} ({row.Reference}): {problem}");
            }
            foreach (var payout in own)
            {
                var tally = snapshot.Reference($"dividend:{payout.DistributionId:N}:{payout.InvestmentId:N}");
                var expected = payout.Status == "paid" ? 1 : 0;
                if (tally.Count != expected || (expected == 1 && tally.Amount != payout.Amount))
                {
                    findings.Add(tally.Count > 1 ? FindingKinds.Duplicated : Name,
                        $"payout of distribution {row.Id} to investment {payout.InvestmentId} ({payout.Status}, {payout.Amount}): {tally.Count} ledger transfer(s) of {tally.Amount}");
                }
            }
        }
        var payoutReferences = snapshot.Payouts.Select(p => $"dividend:{p.DistributionId:N}:{p.InvestmentId:N}").ToHashSet(StringComparer.Ordinal);
        foreach (var (reference, tally) in snapshot.References.Where(r => r.Key.StartsWith("dividend:", StringComparison.Ordinal) && !payoutReferences.Contains(r.Key)))
        {
            findings.Add(tally.Count > 1 ? FindingKinds.Duplicated : Name, $"{tally.Count} dividend transfer(s) {reference} of {tally.Amount} without a payout");
        }
    }

    private static string Summary(List<OperationRecord> invests, InvestmentSnapshot snapshot)
    {
        var statuses = snapshot.Investments.Values.GroupBy(i => i.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        var forFunds = snapshot.Investments.Values.Count(i => i.FailureReason?.StartsWith(RefusedForFunds, StringComparison.Ordinal) == true);
        var distributions = snapshot.Distributions.Values.GroupBy(d => d.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        var paid = snapshot.Payouts.Where(p => p.Status == "paid").ToList();
        return $"investments placed {invests.Count(r => r.Acknowledged)}, executions acknowledged {invests.Count(r => r.SecondOutcome?.Kind == OutcomeKind.Succeeded)}; "
            + $"now {string.Join(", ", statuses)} ({forFunds} failed for funds); distributions {string.Join(", ", distributions)}; "
            + $"payouts paid {paid.Count} ({paid.Sum(p => p.Amount)})";
    }
}
