namespace Coffer.Chaos.Workload;

/// <summary>
/// The seeded list of logical operations: first a funding deposit into every wallet, then a mix of deposits, transfers,
/// holds captured or voided, withdrawals, and replays of operations a few places earlier. The same seed and wallets give the
/// same list; how far the workload gets through it depends on the time it is given.
/// </summary>
internal static class WorkloadPlan
{
    public const long FundingAmount = 1_000_000;

    private static readonly (OperationKind Kind, int Weight)[] Mix =
    [
        (OperationKind.Deposit, 10),
        (OperationKind.Transfer, 40),
        (OperationKind.HoldCapture, 13),
        (OperationKind.HoldVoid, 9),
        (OperationKind.Withdrawal, 14),
        (OperationKind.Replay, 14),
    ];

    public static IReadOnlyList<PlannedOperation> Create(int seed, IReadOnlyList<ChaosWallet> wallets, int maxOperations)
    {
        var random = new Random(seed);
        var operations = new List<PlannedOperation>(maxOperations);
        foreach (var wallet in wallets)
        {
            operations.Add(new PlannedOperation(operations.Count, OperationKind.Deposit, -1, wallet.Index, FundingAmount, 0, -1));
        }
        var totalWeight = Mix.Sum(m => m.Weight);
        while (operations.Count < maxOperations)
        {
            var kind = Pick(random.Next(totalWeight));
            var number = operations.Count;
            var from = wallets[random.Next(wallets.Count)];
            var peers = wallets.Where(w => w.Tenant == from.Tenant && w.Index != from.Index).ToList();
            var to = peers[random.Next(peers.Count)];
            var amount = random.NextInt64(100, 5_001);
            operations.Add(kind switch
            {
                OperationKind.Deposit => new PlannedOperation(number, kind, -1, to.Index, random.NextInt64(1_000, 50_001), 0, -1),
                OperationKind.HoldCapture => new PlannedOperation(number, kind, from.Index, to.Index, amount, random.NextInt64(1, amount + 1), -1),
                OperationKind.Replay => Replay(number, random, operations),
                _ => new PlannedOperation(number, kind, from.Index, to.Index, amount, 0, -1),
            });
        }
        return operations;
    }

    /// <summary>A replay of an operation 5 to 60 places earlier (its answer most likely in by then), never of another replay.</summary>
    private static PlannedOperation Replay(int number, Random random, List<PlannedOperation> operations)
    {
        for (var tries = 0; tries < 10; tries++)
        {
            var target = operations[Math.Max(0, number - random.Next(5, 61))];
            if (target.Kind != OperationKind.Replay)
            {
                return new PlannedOperation(number, OperationKind.Replay, -1, -1, 0, 0, target.Number);
            }
        }
        return new PlannedOperation(number, OperationKind.Replay, -1, -1, 0, 0, 0);
    }

    private static OperationKind Pick(int roll)
    {
        foreach (var (kind, weight) in Mix)
        {
            if (roll < weight)
            {
                return kind;
            }
            roll -= weight;
        }
        throw new InvalidOperationException("The roll exceeds the mix's total weight.");
    }
}
