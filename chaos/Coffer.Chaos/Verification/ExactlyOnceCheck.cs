using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// Every Idempotency-Key was applied exactly once. The harness's keys double as the description of what they create, so the
/// database can be asked how many effects each key produced: a deposit, transfer or hold key acknowledged once must have one
/// row, a refused one none, and no row may carry a key the workload never sent; every withdrawal row must be one the clients
/// were told about. Any excess is <c>duplicated</c>. Each answered key's idempotency record must also still hold the answer the
/// client got (status, and the id it named).
/// </summary>
internal static class ExactlyOnceCheck
{
    private static readonly HashSet<string> CodesCarryingTheKey = ["deposit", "transfer", "hold"];

    public static void Check(int seed, IReadOnlyList<OperationRecord> records, LedgerSnapshot snapshot, Findings findings)
    {
        var operations = records.Where(r => r.Plan.Kind != OperationKind.Replay && r.First is not null).ToList();
        // A key still without a definitive answer may have been applied once (it is reported as unresolved, not here).
        var expected = operations.Where(r => r.Plan.Kind != OperationKind.Withdrawal)
            .ToDictionary(r => r.First!.Key, r => r.FirstOutcome!.Kind == OutcomeKind.Refused ? 0 : 1);
        var prefix = $"chaos-{seed}-";
        foreach (var group in snapshot.Transfers.Where(t => CodesCarryingTheKey.Contains(t.Code) && t.Description?.StartsWith(prefix) == true)
                     .GroupBy(t => t.Description!))
        {
            var allowed = expected.TryGetValue(group.Key, out var count) ? count : 0;
            var excess = group.Count() - allowed;
            for (var i = 0; i < excess; i++)
            {
                findings.Add(FindingKinds.Duplicated,
                    $"key {group.Key}: {group.Count()} {group.First().Code} row(s) for {allowed} acknowledged ({string.Join(", ", group.Select(t => t.Id))})");
            }
        }
        var acknowledgedWithdrawals = operations.Where(r => r.Plan.Kind == OperationKind.Withdrawal && r.Acknowledged)
            .Select(r => r.FirstOutcome!.Id("withdrawalId")).ToHashSet();
        // As many unattributed withdrawals as there are unresolved ones may be theirs (reported as unresolved, not here).
        var unresolvedWithdrawals = operations.Count(r => r.Plan.Kind == OperationKind.Withdrawal && r.FirstOutcome!.Kind == OutcomeKind.Unknown);
        foreach (var withdrawal in snapshot.Withdrawals.Values.Where(w => !acknowledgedWithdrawals.Contains(w.Id)).Skip(unresolvedWithdrawals))
        {
            findings.Add(FindingKinds.Duplicated, $"withdrawal {withdrawal.Id} ({withdrawal.Amount}, {withdrawal.Status}) was never acknowledged to any client");
        }
        foreach (var (request, outcome) in operations.SelectMany(Answered))
        {
            CheckRecord(snapshot, request, outcome, findings);
        }
    }

    private static IEnumerable<(ApiRequest, ApiOutcome)> Answered(OperationRecord record)
    {
        if (record.FirstOutcome is { Kind: not OutcomeKind.Unknown } first)
        {
            yield return (record.First!, first);
        }
        if (record.SecondOutcome is { Kind: not OutcomeKind.Unknown } second)
        {
            yield return (record.Second!, second);
        }
    }

    private static void CheckRecord(LedgerSnapshot snapshot, ApiRequest request, ApiOutcome outcome, Findings findings)
    {
        if (!snapshot.IdempotencyRecords.TryGetValue((request.Caller.Tenant, request.Caller.Subject, request.Key), out var stored))
        {
            findings.Add("idempotency record", $"{request} by {request.Caller} was answered {outcome.Status}, but the server keeps no record of the key");
            return;
        }
        var storedAnswer = new ApiOutcome(outcome.Kind, stored.ResponseStatus ?? 0, stored.ResponseBody ?? "", true, 0);
        var idProperty = request.Path.EndsWith("/withdrawals", StringComparison.Ordinal) ? "withdrawalId" : "id";
        if (stored.ResponseStatus != outcome.Status || storedAnswer.Id(idProperty) != outcome.Id(idProperty))
        {
            findings.Add("idempotency record",
                $"{request} by {request.Caller}: the client got {outcome.Status} {outcome.Id(idProperty)}, the key's record says {stored.ResponseStatus} {storedAnswer.Id(idProperty)}");
        }
    }
}
