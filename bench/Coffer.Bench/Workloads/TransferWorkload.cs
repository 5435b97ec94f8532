using Coffer.Bench.Load;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Workloads;

/// <summary>
/// POST /api/v1/transfers, one minor unit, a unique Idempotency-Key: between a uniformly random distinct pair of wallets,
/// or with <paramref name="hot"/> wallet #1 on one side of every transfer (debited or credited at random).
/// </summary>
internal sealed class TransferWorkload(CofferApi api, IReadOnlyList<Guid> wallets, string currency, string runId, bool hot) : IWorkload
{
    public IReadOnlyList<string> Kinds { get; } = [OperationMix.PostTransfer];

    public PlannedOperation Next(int worker, long sequence, Random random)
    {
        var (from, to) = hot ? HotPair(wallets, random) : UniformPair(wallets, random);
        var key = $"{runId}-{worker}-{sequence}";
        return new PlannedOperation(0, 1, async ct =>
            (await api.TransferAsync(from, to, LoadOptions.TransferAmountMinor, currency, key, readId: false, ct)).Outcome);
    }

    public static (Guid From, Guid To) UniformPair(IReadOnlyList<Guid> wallets, Random random)
    {
        var a = random.Next(wallets.Count);
        var b = random.Next(wallets.Count - 1);
        return (wallets[a], wallets[b >= a ? b + 1 : b]);
    }

    private static (Guid From, Guid To) HotPair(IReadOnlyList<Guid> wallets, Random random)
    {
        var other = wallets[1 + random.Next(wallets.Count - 1)];
        return random.Next(2) == 0 ? (wallets[0], other) : (other, wallets[0]);
    }
}
