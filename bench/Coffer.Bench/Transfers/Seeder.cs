using System.Diagnostics;
using Coffer.Bench.Load;

namespace Coffer.Bench.Transfers;

/// <summary>
/// Opens the wallets of one run (all owned by <c>ownerId</c>, so the run can find exactly its own
/// accounts again) and funds each with one deposit, a few requests at a time. The deposits' transfer ids are the first
/// ids the mixed scenario reads back.
/// </summary>
internal static class Seeder
{
    private const int Parallelism = 16;

    public static async Task<SeededWallets> SeedAsync(CofferApi api, LoadOptions options, string ownerId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var ids = new Guid[options.Accounts];
        var deposits = new Guid[options.Accounts];
        var done = 0;
        await Parallel.ForAsync(0, options.Accounts,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var wallet = await api.CreateWalletAsync(options.Currency, ownerId, $"bench wallet {i + 1}", $"{ownerId}-open-{i}", ct);
                deposits[i] = await api.DepositAsync(wallet.Id, options.DepositMinor, options.Currency, $"{ownerId}-deposit-{i}", $"{ownerId}-deposit-{i}", ct);
                ids[i] = wallet.Id;
                var count = Interlocked.Increment(ref done);
                if (count % 250 == 0 || count == options.Accounts)
                {
                    Console.Error.WriteLine($"  seeded {count}/{options.Accounts} wallets");
                }
            });
        Console.Error.WriteLine($"  seeding took {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        return new SeededWallets(ids, deposits);
    }
}

/// <summary>The run's wallets, in seeding order (wallet #1 first), and the deposit transfer that funded each.</summary>
internal sealed record SeededWallets(IReadOnlyList<Guid> Wallets, IReadOnlyList<Guid> Deposits);
