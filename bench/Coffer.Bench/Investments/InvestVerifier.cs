using System.Data.Common;
using System.Globalization;
using Coffer.Bench.Transfers;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Bench.Investments;

/// <summary>The invest scenario's invariants after the executions and the dividend, each re-derived on its own.</summary>
internal sealed record InvestVerification(
    int WalletsFound,
    long DepositedMinor,
    long WalletPostedSumMinor,
    long ActivePrincipalMinor,
    long CustodyPostedMinor,
    long DividendPoolPostedMinor,
    long TenantPostedDebitsMinusCredits,
    int NegativeWallets,
    IReadOnlyDictionary<string, int> InvestmentsByStatus,
    long PlacedAcknowledged,
    long PlacedUnknown,
    long DebitTransfers,
    long CompensationTransfers,
    long DividendPaidMinor,
    int DividendPayouts,
    long? PayoutRows,
    long? PayoutInvestmentsDistinct,
    long? DividendTransfers,
    long? DividendTransferReferencesDistinct,
    long? DividendTransferSumMinor,
    IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// (1) Money: the run's wallets hold what was deposited, less the principal of the active investments, plus the dividend;
/// the product's custody holds exactly the active principal, its dividend pool is short by exactly the dividend; debits equal
/// credits across the tenant; no wallet is negative. (2) Executions: every accepted execution ended active (the wallets are
/// funded far beyond the load), none is left executing, one <c>investment:…:debit</c> transfer per active investment and no
/// compensation; the investments persisted are the 201s (plus at most the unknown outcomes). (3) The dividend: its paid tally
/// is the total exactly, nothing pending or failed, one payout per active investment; with --db, the payout rows are unique
/// per investment and the ledger holds one dividend transfer per payout, summing to the total.
/// </summary>
internal static class InvestVerifier
{
    public static async Task<InvestVerification> VerifyAsync(CofferApi api, InvestRun run, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var options = run.Options;
        var investments = await ListInvestmentsAsync(api, run.ProductId, cancellationToken);
        var byStatus = investments.GroupBy(i => i.Status).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var active = investments.Where(i => i.Status == "active").ToList();
        var activePrincipal = active.Sum(i => i.Amount);
        var dividendPaid = run.Dividend?.Final.Paid.Amount ?? 0;

        var wallets = await api.ListAccountsAsync("wallet", run.OwnerId, cancellationToken);
        var deposited = checked(options.DepositMinor * options.Accounts);
        var held = wallets.Sum(w => w.Balance.Posted);
        Expect(problems, wallets.Count == options.Accounts, $"found {wallets.Count} wallets, seeded {options.Accounts}");
        Expect(problems, held == deposited - activePrincipal + dividendPaid,
            $"the wallets hold {held}, expected {deposited} deposited - {activePrincipal} invested + {dividendPaid} dividend");
        var negative = wallets.Count(w => w.Balance.Available < 0 || w.Balance.Posted < 0);
        Expect(problems, negative == 0, $"{negative} wallet(s) negative");
        var systems = await api.ListAccountsAsync("system", null, cancellationToken);
        var custody = systems.SingleOrDefault(a => a.SystemCode?.StartsWith("custody:", StringComparison.Ordinal) == true)?.Balance.Posted;
        var pool = systems.SingleOrDefault(a => a.SystemCode?.StartsWith("div_pool:", StringComparison.Ordinal) == true)?.Balance.Posted;
        Expect(problems, custody == activePrincipal, $"custody holds {custody?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}, the active principal is {activePrincipal}");
        Expect(problems, pool == -dividendPaid, $"the dividend pool is at {pool?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}, {dividendPaid} was paid from it");
        var (postedDifference, pendingDifference) = await Verifier.TenantDifferencesAsync(api, cancellationToken);
        Expect(problems, postedDifference == 0 && pendingDifference == 0,
            $"tenant debits minus credits: posted {postedDifference}, pending {pendingDifference} (both must be 0)");

        var executed = run.Executions.Select(t => t.InvestmentId).ToHashSet();
        var notActive = investments.Where(i => executed.Contains(i.Id) && i.Status != "active").ToList();
        Expect(problems, notActive.Count == 0,
            $"{notActive.Count} accepted execution(s) did not end active: {string.Join(", ", notActive.Take(5).Select(i => $"{i.Id} {i.Status}"))}");
        Expect(problems, byStatus.GetValueOrDefault("executing") <= run.ExecutionsUnknown,
            $"{byStatus.GetValueOrDefault("executing")} investment(s) still executing after the jobs drained");
        Expect(problems, investments.Count >= run.PlacedAcknowledged && investments.Count <= run.PlacedAcknowledged + run.PlacedUnknown,
            $"201s acknowledged {run.PlacedAcknowledged} investments ({run.PlacedUnknown} unknown), {investments.Count} are persisted");

        var dividend = run.Dividend;
        if (dividend is not null)
        {
            var final = dividend.Final;
            Expect(problems, final.Status == "completed", $"the distribution is {final.Status}, not completed");
            Expect(problems, final.Paid.Amount == dividend.TotalAmount, $"the paid tally is {final.Paid.Amount}, the total {dividend.TotalAmount}");
            Expect(problems, final.Pending.Count == 0 && final.Failed.Count == 0, $"{final.Pending.Count} payout(s) pending, {final.Failed.Count} failed");
            Expect(problems, final.Paid.Count == active.Count, $"{final.Paid.Count} payouts paid for {active.Count} active investments");
        }
        var sql = options.DatabaseConnection is { } connection
            ? await CountInDatabaseAsync(connection, dividend?.DistributionId, cancellationToken)
            : null;
        if (sql is not null)
        {
            Expect(problems, sql.DebitTransfers == active.Count, $"{sql.DebitTransfers} investment debit transfers for {active.Count} active investments");
            Expect(problems, sql.CompensationTransfers == 0, $"{sql.CompensationTransfers} compensation transfer(s)");
            if (dividend is not null)
            {
                Expect(problems, sql.PayoutRows == sql.PayoutInvestments && sql.PayoutRows == active.Count,
                    $"{sql.PayoutRows} payout rows for {sql.PayoutInvestments} distinct investments, {active.Count} active");
                Expect(problems, sql.DividendTransfers == sql.DividendReferences && sql.DividendTransfers == sql.PayoutRows,
                    $"{sql.DividendTransfers} dividend transfers with {sql.DividendReferences} distinct references for {sql.PayoutRows} payouts");
                Expect(problems, sql.DividendSum == dividend.TotalAmount, $"the dividend transfers sum to {sql.DividendSum}, the total is {dividend.TotalAmount}");
            }
        }
        return new InvestVerification(wallets.Count, deposited, held, activePrincipal, custody ?? 0, pool ?? 0, postedDifference, negative,
            byStatus, run.PlacedAcknowledged, run.PlacedUnknown, sql?.DebitTransfers ?? -1, sql?.CompensationTransfers ?? -1, dividendPaid,
            dividend?.Final.Paid.Count ?? 0, sql?.PayoutRows, sql?.PayoutInvestments, sql?.DividendTransfers, sql?.DividendReferences,
            sql?.DividendSum, problems);
    }

    private static void Expect(List<string> problems, bool holds, string problem)
    {
        if (!holds)
        {
            problems.Add(problem);
        }
    }

    private static async Task<List<InvestmentDto>> ListInvestmentsAsync(CofferApi api, Guid productId, CancellationToken cancellationToken)
    {
        var all = new List<InvestmentDto>();
        string? cursor = null;
        do
        {
            var page = await api.GetJsonAsync<Page<InvestmentDto>>($"api/v1/investment/investments?productId={productId}&limit=200"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), cancellationToken);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    private sealed record DatabaseCounts(
        long DebitTransfers, long CompensationTransfers, long PayoutRows, long PayoutInvestments, long DividendTransfers, long DividendReferences,
        long DividendSum);

    private static async Task<DatabaseCounts> CountInDatabaseAsync(string connectionString, Guid? distributionId,
        CancellationToken cancellationToken)
    {
        var sqlite = connectionString.Contains("Data Source", StringComparison.OrdinalIgnoreCase);
        await using DbConnection connection = sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // EF's SQLite storage keeps GUIDs as upper-case text; PostgreSQL takes the uuid.
        object Id(Guid id) => sqlite ? id.ToString().ToUpperInvariant() : id;
        var distribution = distributionId ?? Guid.Empty;
        // The run's database is fresh and holds one product: every investment transfer is the run's.
        var debits = await ScalarsAsync(connection,
            """
            SELECT (SELECT count(*) FROM transfers WHERE external_reference LIKE 'investment:%:debit'),
                   (SELECT count(*) FROM transfers WHERE external_reference LIKE 'investment:%:compensation')
            """, null, cancellationToken);
        var payouts = await ScalarsAsync(connection,
            "SELECT count(*), count(DISTINCT investment_id) FROM dividend_payouts WHERE distribution_id = @distribution",
            ("distribution", Id(distribution)), cancellationToken);
        var transfers = await ScalarsAsync(connection,
            "SELECT count(*), count(DISTINCT external_reference), COALESCE(sum(amount), 0) FROM transfers WHERE external_reference LIKE @prefix",
            ("prefix", $"dividend:{distribution:N}:%"), cancellationToken);
        return new DatabaseCounts(debits[0], debits[1], payouts[0], payouts[1], transfers[0], transfers[1], transfers[2]);
    }

    private static async Task<long[]> ScalarsAsync(DbConnection connection, string sql, (string Name, object Value)? parameter,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 300;
        if (parameter is { } given)
        {
            var p = command.CreateParameter();
            p.ParameterName = given.Name;
            p.Value = given.Value;
            command.Parameters.Add(p);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return [.. Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture))];
    }
}
