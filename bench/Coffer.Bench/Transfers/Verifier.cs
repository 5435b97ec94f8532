using System.Data.Common;
using Coffer.Bench.Load;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Bench.Transfers;

/// <summary>The invariants checked after the load, each re-derived independently of the others.</summary>
internal sealed record Verification(
    int WalletsFound,
    long DepositedMinor,
    long WalletPostedSumMinor,
    bool MoneyConserved,
    long TenantPostedDebitsMinusCredits,
    long TenantPendingDebitsMinusCredits,
    int NegativeWallets,
    long TransfersCreated,
    long UnknownOutcomes,
    long TransfersByBalances,
    long? TransfersByStatements,
    long? TransfersByDatabase,
    bool CountsMatch,
    IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// After the run: (1) the run's wallets still hold exactly what was deposited (transfers only move
/// money between them); (2) across the tenant, debits equal credits; (3) no wallet is negative;
/// (4) the transfers the 201s acknowledged (one per single transfer, the batch size per batch) equal the
/// transfers persisted, counted three ways: from the balance projection (each transfer debits one wallet
/// by 1), from the statements (the transfer log as the API shows it) and, with --db, by SQL. Requests whose
/// outcome is unknown (timeout, broken connection) may or may not have committed, so with k transfers in
/// such requests the count may exceed the acknowledged ones by up to k.
/// </summary>
internal static class Verifier
{
    public static async Task<Verification> VerifyAsync(
        CofferApi api, LoadOptions options, string ownerId, long created, long unknown, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var wallets = await api.ListAccountsAsync("wallet", ownerId, cancellationToken);
        if (wallets.Count != options.Accounts)
        {
            problems.Add($"found {wallets.Count} wallets of {ownerId}, seeded {options.Accounts}");
        }
        var deposited = checked(options.DepositMinor * options.Accounts);
        var postedSum = wallets.Sum(w => w.Balance.Posted);
        if (postedSum != deposited)
        {
            problems.Add($"money not conserved: the wallets hold {postedSum}, {deposited} was deposited");
        }
        var negative = wallets.Count(w => w.Balance.Available < 0 || w.Balance.Posted < 0);
        if (negative > 0)
        {
            problems.Add($"{negative} wallet(s) negative");
        }
        var (postedDifference, pendingDifference) = await TenantDifferencesAsync(api, cancellationToken);
        if (postedDifference != 0 || pendingDifference != 0)
        {
            problems.Add($"tenant debits minus credits: posted {postedDifference}, pending {pendingDifference} (both must be 0)");
        }

        var byBalances = wallets.Sum(w => w.Totals.PostedDebits) / LoadOptions.TransferAmountMinor;
        long? byStatements = options.CountStatements ? await CountFromStatementsAsync(api, wallets, options.Accounts, problems, cancellationToken) : null;
        long? byDatabase = options.DatabaseConnection is { } connection ? await CountInDatabaseAsync(connection, ownerId, cancellationToken) : null;
        var countsMatch = true;
        foreach (var (name, count) in new[] { ("balances", (long?)byBalances), ("statements", byStatements), ("database", byDatabase) })
        {
            if (count is { } value && (value < created || value > created + unknown))
            {
                countsMatch = false;
                problems.Add(unknown == 0
                    ? $"201s acknowledged {created} transfers but {value} are persisted (by {name})"
                    : $"201s acknowledged {created} transfers and {unknown} transfers' outcomes are unknown, but {value} are persisted (by {name})");
            }
        }
        return new Verification(wallets.Count, deposited, postedSum, postedSum == deposited, postedDifference, pendingDifference,
            negative, created, unknown, byBalances, byStatements, byDatabase, countsMatch, problems);
    }

    /// <summary>Σ debits − Σ credits over every wallet and system account of the tenant: 0 in a double-entry ledger.</summary>
    public static async Task<(long Posted, long Pending)> TenantDifferencesAsync(CofferApi api, CancellationToken cancellationToken)
    {
        var accounts = (await api.ListAccountsAsync("wallet", null, cancellationToken))
            .Concat(await api.ListAccountsAsync("system", null, cancellationToken)).ToList();
        return (accounts.Sum(a => a.Totals.PostedDebits) - accounts.Sum(a => a.Totals.PostedCredits),
            accounts.Sum(a => a.Totals.PendingDebits) - accounts.Sum(a => a.Totals.PendingCredits));
    }

    /// <summary>Each transfer is one debit entry and one credit entry among the run's wallets; each deposit one credit.</summary>
    private static async Task<long> CountFromStatementsAsync(
        CofferApi api, List<AccountDto> wallets, int seeded, List<string> problems, CancellationToken cancellationToken)
    {
        long debits = 0, credits = 0, deposits = 0;
        await Parallel.ForEachAsync(wallets, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (wallet, ct) =>
            {
                var counts = await api.CountEntriesAsync(wallet.Id, ct);
                Interlocked.Add(ref debits, counts.GetValueOrDefault("debit:transfer"));
                Interlocked.Add(ref credits, counts.GetValueOrDefault("credit:transfer"));
                Interlocked.Add(ref deposits, counts.GetValueOrDefault("credit:deposit"));
            });
        if (debits != credits)
        {
            problems.Add($"statements show {debits} transfer debits but {credits} transfer credits among the run's wallets");
        }
        if (deposits != seeded)
        {
            problems.Add($"statements show {deposits} deposits, {seeded} were made");
        }
        return debits;
    }

    private static async Task<long> CountInDatabaseAsync(string connectionString, string ownerId, CancellationToken cancellationToken)
    {
        await using DbConnection connection = connectionString.Contains("Data Source", StringComparison.OrdinalIgnoreCase)
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT count(*) FROM transfers t JOIN accounts a ON a.id = t.debit_account_id
            WHERE a.owner_id = @owner AND t.code = 'transfer'
            """;
        var owner = command.CreateParameter();
        owner.ParameterName = "owner";
        owner.Value = ownerId;
        command.Parameters.Add(owner);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
