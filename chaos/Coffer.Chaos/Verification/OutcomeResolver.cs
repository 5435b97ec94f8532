using System.Diagnostics;
using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// After the faults, every request whose outcome is still unknown is sent again with its key and body — as the client would
/// once the service is back — so that each operation ends acknowledged or refused. A hold acknowledged only now is then
/// captured or voided as planned, an order to cancel at once cancelled. Bounded: what is still unknown when the time is up stays unknown (and is reported).
/// </summary>
internal static class OutcomeResolver
{
    private static readonly TimeSpan PerRequestLimit = TimeSpan.FromSeconds(30);

    public static async Task<int> ResolveAsync(IReadOnlyList<OperationRecord> records, OperationExecutor executor, int seed, TimeSpan limit)
    {
        var random = new Random(unchecked(seed * 131 + 7));
        var watch = Stopwatch.StartNew();
        var resolved = 0;
        foreach (var record in records.Where(r => r.Plan.Kind != OperationKind.Replay && r.First is not null))
        {
            if (watch.Elapsed > limit)
            {
                break;
            }
            if (record.FirstOutcome!.Kind == OutcomeKind.Unknown)
            {
                record.FirstOutcome = await executor.ResendAsync(record.First!, random, PerRequestLimit);
                record.ResolvedAfterFaults = true;
                resolved++;
                if (record.Plan.Kind is OperationKind.HoldCapture or OperationKind.HoldVoid && record.Acknowledged)
                {
                    await executor.ResolveHoldAsync(record, random, CancellationToken.None);
                }
                if (record.Plan.Kind == OperationKind.Invest && record.Acknowledged)
                {
                    await executor.ExecuteInvestmentAsync(record, random, CancellationToken.None);
                }
                if (record.Plan.Kind == OperationKind.CheckoutCancel && record.Acknowledged)
                {
                    await executor.CancelAtOnceAsync(record, random, CancellationToken.None);
                }
            }
            if (record.SecondOutcome?.Kind == OutcomeKind.Unknown)
            {
                record.SecondOutcome = await executor.ResendAsync(record.Second!, random, PerRequestLimit);
                record.ResolvedAfterFaults = true;
                resolved++;
            }
        }
        return resolved;
    }
}
