using System.Data.Common;
using System.Diagnostics;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Coffer.Testing.Process;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace Coffer.Server.Tests.Process;

/// <summary>
/// Issue 2, "Done means: crash safety": kill -9 the server while transfers are in flight, restart it, retry every
/// unanswered request with its key and body, and find exactly one transfer per key and a consistent ledger.
/// </summary>
[Collection(ServerProcessCollection.Name)]
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int ConcurrentClients = 32;
    private const int WalletCount = 6;
    private const int SubjectCount = 4;
    private const long FundingPerWallet = 1_000_000_000_000;
    private const int MinCycles = 2;
    private const int MaxCycles = 4;
    private const int MaxRetryAttempts = 40;
    private static readonly TimeSpan CycleBudget = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(150);

    [Theory(Timeout = 150_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task KillNineWhileTransfersAreInFlight_EveryRetriedKeyYieldsExactlyOneTransfer(DatabaseProvider provider)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var server = await ServerProcess.StartAsync(database.Settings);
        var wallets = await OpenFundedWalletsAsync(server);
        var log = new TransferLog();

        var watch = Stopwatch.StartNew();
        var cycles = 0;
        while (cycles < MinCycles || (cycles < MaxCycles && watch.Elapsed < CycleBudget))
        {
            cycles++;
            var sentBeforeKill = await SendUntilKilledAsync(server, wallets, log, cycles, random);
            Assert.True(sentBeforeKill > 0, $"cycle {cycles}: no transfer was answered before the kill, so the kill proved nothing.\n{server.Output}");
            await server.RestartAsync();
            await RetryUnansweredAsync(server, log);
        }
        server.KillHard(); // the last commits must survive this one too
        output.WriteLine($"{cycles} kill/restart cycles in {watch.Elapsed.TotalSeconds:F1} s: {log.All.Count} keys, "
            + $"{log.UnansweredCount} unanswered at least once, {log.ReplayCount} retries replayed");

        Assert.Empty(log.ServerErrors);
        Assert.Empty(log.Unexpected);
        Assert.Empty(log.Unanswered.Select(t => t.Key));
        Assert.True(log.UnansweredCount > 0, "No request was in flight at any kill; the test did not exercise a crash.");
        await AssertExactlyOneTransferPerKeyAsync(database, log);
        Assert.Empty(await LedgerAudit.CheckAsync(database));
    }

    private static async Task<Guid[]> OpenFundedWalletsAsync(ServerProcess server)
    {
        using var ops = server.ClientFor("ops", "acme", "operator");
        var wallets = new Guid[WalletCount];
        for (var i = 0; i < WalletCount; i++)
        {
            wallets[i] = await ops.CreateWalletAsync(ownerId: $"owner-{i}");
            await ops.DepositAsync(wallets[i], FundingPerWallet);
        }
        return wallets;
    }

    /// <summary>
    /// Runs the concurrent clients and, a random 300-800 ms after the first answer, kills the server with their requests in flight;
    /// returns how many transfers were answered before the kill.
    /// </summary>
    private static async Task<int> SendUntilKilledAsync(ServerProcess server, Guid[] wallets, TransferLog log, int cycle, Random random)
    {
        var killed = false;
        var answered = 0;
        var seeds = Enumerable.Range(0, ConcurrentClients).Select(_ => random.Next()).ToArray();
        var workers = seeds.Select((workerSeed, index) => Task.Run(async () =>
        {
            var workerRandom = new Random(workerSeed);
            // A few subjects, because idempotency keys are scoped per tenant and subject.
            var subjectIndex = index % SubjectCount;
            using var client = server.ClientFor(Subject(subjectIndex), "acme", "operator");
            while (!Volatile.Read(ref killed))
            {
                var from = workerRandom.Next(wallets.Length);
                var to = (from + 1 + workerRandom.Next(wallets.Length - 1)) % wallets.Length;
                var transfer = log.New(cycle, subjectIndex, wallets[from], wallets[to], workerRandom.NextInt64(1, 10_000));
                if (await log.SendAsync(client, transfer) && transfer.TransferId is not null && !Volatile.Read(ref killed))
                {
                    Interlocked.Increment(ref answered);
                }
            }
        })).ToList();
        // A freshly restarted server is still warming up: the kill must land while it is busy, not before.
        var warmUp = Stopwatch.StartNew();
        while (Volatile.Read(ref answered) == 0 && warmUp.Elapsed < WarmUpLimit && !workers.Any(w => w.IsFaulted))
        {
            await Task.Delay(20);
        }
        await Task.Delay(random.Next(300, 800));
        var answeredBeforeKill = Volatile.Read(ref answered);
        Volatile.Write(ref killed, true);
        server.KillHard();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        return answeredBeforeKill;
    }

    /// <summary>Every request without a definitive answer goes again, same key, same body, until it gets one.</summary>
    private static async Task RetryUnansweredAsync(ServerProcess server, TransferLog log)
    {
        var pending = log.Unanswered;
        // Keys are scoped to their subject: a retry must come from the subject that sent the first attempt.
        var clients = Enumerable.Range(0, SubjectCount).Select(i => server.ClientFor(Subject(i), "acme", "operator")).ToArray();
        try
        {
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (transfer, _) =>
            {
                for (var attempt = 0; attempt < MaxRetryAttempts; attempt++)
                {
                    if (await log.SendAsync(clients[transfer.SubjectIndex], transfer))
                    {
                        return;
                    }
                    await Task.Delay(RetryPause);
                }
            }).WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    private static string Subject(int index) => $"ops-{index}";

    /// <summary>Counts transfers per description (= key) behind the API's back, as the schema owner.</summary>
    private static async Task AssertExactlyOneTransferPerKeyAsync(TestDatabase database, TransferLog log)
    {
        var persisted = new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
        await using (var connection = OpenAdmin(database))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT description, id FROM transfers WHERE code = 'transfer'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var description = reader.IsDBNull(0) ? "(null)" : reader.GetString(0);
                if (!persisted.TryGetValue(description, out var ids))
                {
                    persisted[description] = ids = [];
                }
                ids.Add(reader.GetGuid(1));
            }
        }
        var sent = log.All.ToDictionary(t => t.Key, StringComparer.Ordinal);
        var duplicates = persisted.Where(p => p.Value.Count > 1).Select(p => $"{p.Key} x{p.Value.Count}").ToList();
        var missing = sent.Keys.Where(k => !persisted.ContainsKey(k)).ToList();
        var strangers = persisted.Keys.Where(k => !sent.ContainsKey(k)).ToList();
        var mismatched = sent.Values
            .Where(t => persisted.TryGetValue(t.Key, out var ids) && ids.Count == 1 && ids[0] != t.TransferId)
            .Select(t => $"{t.Key}: client saw {t.TransferId}, database holds {persisted[t.Key][0]}")
            .ToList();
        Assert.True(duplicates.Count == 0, $"Keys with more than one transfer: {string.Join(", ", duplicates.Take(20))}");
        Assert.True(missing.Count == 0, $"{missing.Count} keys answered 201 without a persisted transfer: {string.Join(", ", missing.Take(20))}");
        Assert.True(strangers.Count == 0, $"Transfers no key asked for: {string.Join(", ", strangers.Take(20))}");
        Assert.True(mismatched.Count == 0, $"Responses that name another transfer than the stored one: {string.Join("; ", mismatched.Take(20))}");
        Assert.Equal(sent.Count, await LedgerAudit.CountTransfersAsync(database, "transfer"));
    }

    private static DbConnection OpenAdmin(TestDatabase database) => database.Provider == DatabaseProvider.Postgres
        ? new NpgsqlConnection(database.AdminConnectionString)
        : new SqliteConnection(database.AdminConnectionString);
}
