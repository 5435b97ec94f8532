namespace Coffer.Chaos.Workload;

/// <summary>
/// The seeded list of logical operations: first a funding deposit into every wallet, then a mix of deposits, transfers,
/// holds captured or voided, withdrawals, investments placed and executed, redemptions of earlier investments, product
/// dividends, shop checkouts (some cancelled at once, some later by their buyer), and replays of operations a few places earlier. The same seed and wallets give the
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
        (OperationKind.Invest, 10),
        (OperationKind.Redeem, 4),
        (OperationKind.Dividend, 2),
        (OperationKind.Checkout, 8),
        (OperationKind.CheckoutCancel, 3),
        (OperationKind.CancelOrder, 3),
    ];

    /// <summary>The most units of one variant in a checkout line.</summary>
    public const int MaxQuantity = 3;

    public static IReadOnlyList<PlannedOperation> Create(
        int seed, IReadOnlyList<ChaosWallet> wallets, IReadOnlyList<ChaosVariant> variants, int maxOperations)
    {
        var random = new Random(seed);
        var operations = new List<PlannedOperation>(maxOperations);
        foreach (var wallet in wallets)
        {
            operations.Add(new PlannedOperation(operations.Count, OperationKind.Deposit, -1, wallet.Index, FundingAmount, 0, -1));
        }
        var totalWeight = Mix.Sum(m => m.Weight);
        var redeemed = new HashSet<int>();
        var cancelled = new HashSet<int>();
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
                OperationKind.Invest => new PlannedOperation(number, kind, from.Index, -1, random.NextInt64(1_000, 20_001), 0, -1),
                OperationKind.Redeem => Redeem(number, from.Index, amount, random, operations, redeemed),
                OperationKind.Dividend => new PlannedOperation(number, kind, from.Index, -1, random.NextInt64(1_000, 20_001), 0, -1),
                OperationKind.Checkout or OperationKind.CheckoutCancel => Checkout(number, kind, from, variants, random),
                OperationKind.CancelOrder => CancelOrder(number, from, variants, random, operations, cancelled),
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

    /// <summary>A redemption of an investment 5 to 60 places earlier (likely active by then) not yet redeemed; with none, an investment.</summary>
    private static PlannedOperation Redeem(
        int number, int from, long amount, Random random, List<PlannedOperation> operations, HashSet<int> redeemed)
    {
        for (var tries = 0; tries < 10; tries++)
        {
            var target = operations[Math.Max(0, number - random.Next(5, 61))];
            // Each investment is redeemed by one operation at most: two would race, and the loser's 409 is no finding.
            if (target.Kind == OperationKind.Invest && redeemed.Add(target.Number))
            {
                return new PlannedOperation(number, OperationKind.Redeem, -1, -1, 0, 0, target.Number);
            }
        }
        return new PlannedOperation(number, OperationKind.Invest, from, -1, Math.Max(1_000, amount), 0, -1);
    }

    /// <summary>A checkout of 1 or 2 distinct variants of the wallet's tenant, 1 to <see cref="MaxQuantity"/> units each.</summary>
    private static PlannedOperation Checkout(int number, OperationKind kind, ChaosWallet from, IReadOnlyList<ChaosVariant> variants, Random random)
    {
        var shop = variants.Where(v => v.Tenant == from.Tenant).ToList();
        var lines = random.Next(1, 3);
        var items = shop.OrderBy(_ => random.Next()).Take(lines).Select(v => new PlannedItem(v.Index, random.Next(1, MaxQuantity + 1))).ToList();
        return new PlannedOperation(number, kind, from.Index, -1, items.Sum(i => variants[i.Variant].UnitPrice * i.Quantity), 0, -1, items);
    }

    /// <summary>A cancellation of a checkout 5 to 60 places earlier (most likely paid by then) not yet cancelled; with none, a checkout.</summary>
    private static PlannedOperation CancelOrder(
        int number, ChaosWallet from, IReadOnlyList<ChaosVariant> variants, Random random, List<PlannedOperation> operations, HashSet<int> cancelled)
    {
        for (var tries = 0; tries < 10; tries++)
        {
            var target = operations[Math.Max(0, number - random.Next(5, 61))];
            // Each order is cancelled by one operation at most: a second cancellation's 409 would be no finding.
            if (target.Kind == OperationKind.Checkout && cancelled.Add(target.Number))
            {
                return new PlannedOperation(number, OperationKind.CancelOrder, target.From, -1, 0, 0, target.Number);
            }
        }
        return Checkout(number, OperationKind.Checkout, from, variants, random);
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
