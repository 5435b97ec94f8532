using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// What the clients were told makes sense: a replay got the original status and body, marked replayed; a refusal is one the
/// workload can meet (<c>insufficient_funds</c>; for a product dividend, <c>no_active_investments</c> while every investment of the
/// product is still executing or redeemed; for a checkout, <c>out_of_stock</c>; for a cancellation, <c>invalid_transition</c>, whose
/// order the system must have cancelled first — CommerceCheck); and no request was left without a definitive answer once resolved.
/// </summary>
internal static class ClientAnswersCheck
{
    private static readonly HashSet<string> ExpectedRefusals = ["insufficient_funds"];

    private static bool IsExpectedRefusal(OperationKind kind, ApiRequest request, string? code) =>
        ExpectedRefusals.Contains(code ?? "") || (kind == OperationKind.Dividend && code == "no_active_investments")
        || (kind is OperationKind.Checkout or OperationKind.CheckoutCancel && code == "out_of_stock" && request.Path.EndsWith("/orders", StringComparison.Ordinal))
        || (kind is OperationKind.CancelOrder or OperationKind.CheckoutCancel && code == "invalid_transition" && request.Path.EndsWith("/transitions", StringComparison.Ordinal));

    public static void Check(IReadOnlyList<OperationRecord> records, Findings findings)
    {
        foreach (var record in records)
        {
            if (record.Verdict == ReplayVerdict.Different)
            {
                var original = records[record.Plan.ReplayOf].FirstOutcome!;
                findings.Add("replay", $"{record.First} first answered {original}, replayed {record.ReplayOutcome} "
                    + $"(marked replayed: {record.ReplayOutcome!.Replayed})");
            }
            foreach (var (request, outcome) in new[] { (record.First, record.FirstOutcome), (record.Second, record.SecondOutcome) })
            {
                if (record.Plan.Kind == OperationKind.Replay || request is null || outcome is null)
                {
                    continue;
                }
                if (outcome.Kind == OutcomeKind.Unknown)
                {
                    findings.Add("unresolved", $"{request} never got a definitive answer: {outcome}");
                }
                else if (outcome.Kind == OutcomeKind.Refused && !IsExpectedRefusal(record.Plan.Kind, request, outcome.Code))
                {
                    findings.Add("unexpected answer", $"{request} by {request.Caller}: {outcome}");
                }
            }
        }
    }
}
