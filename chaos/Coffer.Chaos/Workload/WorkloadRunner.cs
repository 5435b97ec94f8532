namespace Coffer.Chaos.Workload;

/// <summary>
/// Runs the plan with a fixed number of concurrent clients, each taking the next planned operation when it is done with its
/// last (after a seeded think time), until the plan is exhausted or <paramref name="keepGoing"/> says stop. Operations
/// already started always run to their definitive answer or their retry limit.
/// </summary>
internal sealed class WorkloadRunner(OperationExecutor executor, int seed, int clients, TimeSpan thinkTime)
{
    private int _next = -1;

    public async Task<IReadOnlyList<OperationRecord>> RunAsync(
        IReadOnlyList<PlannedOperation> plan, Func<bool> keepGoing, Action<string> log, CancellationToken cancellationToken)
    {
        var records = plan.Select(p => new OperationRecord(p)).ToList();
        using var progress = new Timer(_ => log($"workload: {Math.Min(_next + 1, records.Count)} operations started"),
            null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() =>
            ClientLoopAsync(records, new Random(unchecked(seed * 7919 + client + 1)), keepGoing, cancellationToken), CancellationToken.None)));
        // Replays that were planned but never reached, so nobody waits on them.
        foreach (var record in records.Where(r => !r.Started))
        {
            record.MarkSettled();
        }
        return records;
    }

    private async Task ClientLoopAsync(List<OperationRecord> records, Random random, Func<bool> keepGoing, CancellationToken cancellationToken)
    {
        while (keepGoing() && !cancellationToken.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref _next);
            if (index >= records.Count)
            {
                return;
            }
            await executor.RunAsync(records[index], records, random, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * thinkTime.TotalMilliseconds), CancellationToken.None);
        }
    }
}
