using Coffer.Bench.Load;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Workloads;

/// <summary>
/// POST /api/v1/transfers/batch with <paramref name="size"/> transfers of one minor unit under one Idempotency-Key. A
/// batch moves money between 2 × size distinct wallets drawn at random (transfer i from the (2i)th to the (2i+1)th), so
/// the server locks and updates exactly 2 × size accounts and the pgbench batch script can mirror its statements one for
/// one. Each worker draws from its own share of the wallets (worker w of <paramref name="workers"/>), like independent
/// clients each paying out of their own accounts: random batches over shared wallets almost always overlap (two batches
/// of 200 wallets among 10,000 share one with probability 98 %), so they would queue on each other's row locks and
/// measure that queue rather than the endpoint.
/// </summary>
internal sealed class BatchWorkload(CofferApi api, IReadOnlyList<Guid> wallets, string currency, string runId, int size, int workers) : IWorkload
{
    /// <summary>Chosen by measurement (docs/performance.md, batch): the knee of transfers/s against batch size on 2 cores.</summary>
    public const int DefaultSize = 100;

    /// <summary>The server's limit (CreateTransferBatch.MaxTransfers).</summary>
    public const int MaxSize = 1000;

    public IReadOnlyList<string> Kinds { get; } = ["post-batch"];

    public PlannedOperation Next(int worker, long sequence, Random random)
    {
        var share = wallets.Count / workers;
        var pairs = DistinctPairs(wallets, worker % workers * share, share, size, random);
        var key = $"{runId}-{worker}-{sequence}";
        return new PlannedOperation(0, size, ct => api.TransferBatchAsync(pairs, LoadOptions.TransferAmountMinor, currency, key, ct));
    }

    /// <summary>A partial Fisher–Yates shuffle: the first 2 × count of a random permutation of wallets[first .. first + share), paired up.</summary>
    private static (Guid From, Guid To)[] DistinctPairs(IReadOnlyList<Guid> wallets, int first, int share, int count, Random random)
    {
        var indexes = new int[share];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = first + i;
        }
        for (var i = 0; i < 2 * count; i++)
        {
            var j = i + random.Next(indexes.Length - i);
            (indexes[i], indexes[j]) = (indexes[j], indexes[i]);
        }
        var pairs = new (Guid, Guid)[count];
        for (var i = 0; i < count; i++)
        {
            pairs[i] = (wallets[indexes[2 * i]], wallets[indexes[2 * i + 1]]);
        }
        return pairs;
    }
}
