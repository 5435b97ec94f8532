using System.Data.Common;

namespace Coffer.Testing;

/// <summary>
/// Re-derives every account's four totals from the transfers (the event log) and checks them against
/// the stored balances, plus the ledger's invariants: per tenant and currency Σdebits = Σcredits (posted
/// and pending), no wallet overdrawn, and every hold's status agrees with its resolving transfer.
/// Returns the violations; an empty list means the ledger is consistent.
/// </summary>
public static class LedgerAudit
{
    public static async Task<IReadOnlyList<string>> CheckAsync(TestDatabase database)
    {
        await using var connection = Open(database);
        await connection.OpenAsync();
        var violations = new List<string>();
        violations.AddRange(await QueryAsync(connection, DerivedBalances, r =>
            $"account {r.GetValue(0)}: stored ({r.GetInt64(1)}, {r.GetInt64(2)}, {r.GetInt64(3)}, {r.GetInt64(4)}) "
            + $"≠ derived ({r.GetInt64(5)}, {r.GetInt64(6)}, {r.GetInt64(7)}, {r.GetInt64(8)})"));
        violations.AddRange(await QueryAsync(connection, UnbalancedBooks, r =>
            $"tenant {r.GetString(0)} {r.GetString(1)}: posted debits {r.GetInt64(2)} ≠ credits {r.GetInt64(3)}, "
            + $"or pending debits {r.GetInt64(4)} ≠ credits {r.GetInt64(5)}"));
        violations.AddRange(await QueryAsync(connection, OverdrawnWallets, r => $"wallet {r.GetValue(0)} overdrawn: available {r.GetInt64(1)}"));
        violations.AddRange(await QueryAsync(connection, InconsistentHolds, r => $"hold {r.GetValue(0)} is {r.GetString(1)} but its resolution says otherwise"));
        return violations;
    }

    /// <summary>How many transfers of a code the database holds.</summary>
    public static async Task<long> CountTransfersAsync(TestDatabase database, string code)
    {
        await using var connection = Open(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM transfers WHERE code = @code";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "code";
        parameter.Value = code;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static DbConnection Open(TestDatabase database) => DatabaseShell.Connection(database);

    private const string Sum = "CAST(COALESCE(SUM(t.amount), 0) AS BIGINT)";

    private static readonly string DerivedBalances = $"""
        SELECT id, posted_debits, posted_credits, pending_debits, pending_credits, d0, d1, d2, d3 FROM (
          SELECT a.id, a.posted_debits, a.posted_credits, a.pending_debits, a.pending_credits,
            (SELECT {Sum} FROM transfers t WHERE t.debit_account_id = a.id AND t.kind IN ('posted', 'post_pending')) AS d0,
            (SELECT {Sum} FROM transfers t WHERE t.credit_account_id = a.id AND t.kind IN ('posted', 'post_pending')) AS d1,
            (SELECT {Sum} FROM transfers t WHERE t.debit_account_id = a.id AND t.kind = 'pending'
                AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.id)) AS d2,
            (SELECT {Sum} FROM transfers t WHERE t.credit_account_id = a.id AND t.kind = 'pending'
                AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.id)) AS d3
          FROM accounts a) AS x
        WHERE posted_debits <> d0 OR posted_credits <> d1 OR pending_debits <> d2 OR pending_credits <> d3
        """;

    /// <summary>Tenants and currencies whose books do not balance: tenant, currency, the four sums (shared with the chaos suite).</summary>
    public const string UnbalancedBooks = """
        SELECT tenant_id, currency,
          CAST(SUM(posted_debits) AS BIGINT), CAST(SUM(posted_credits) AS BIGINT),
          CAST(SUM(pending_debits) AS BIGINT), CAST(SUM(pending_credits) AS BIGINT)
        FROM accounts GROUP BY tenant_id, currency
        HAVING SUM(posted_debits) <> SUM(posted_credits) OR SUM(pending_debits) <> SUM(pending_credits)
        """;

    private const string OverdrawnWallets = """
        SELECT id, posted_credits - posted_debits - pending_debits FROM accounts
        WHERE kind = 'wallet' AND posted_credits - posted_debits - pending_debits < 0
        """;

    /// <summary>Holds whose status disagrees with their resolving transfer: id, status (shared with the chaos suite).</summary>
    public const string InconsistentHolds = """
        SELECT h.id, h.status FROM holds h
        LEFT JOIN transfers r ON r.pending_id = h.id
        WHERE (h.status = 'pending' AND r.id IS NOT NULL)
           OR (h.status = 'captured' AND (r.kind IS NULL OR r.kind <> 'post_pending' OR r.amount <> h.captured_amount))
           OR (h.status IN ('voided', 'expired') AND (r.kind IS NULL OR r.kind <> 'void_pending' OR r.amount <> h.amount))
        """;

    private static async Task<List<string>> QueryAsync(DbConnection connection, string sql, Func<DbDataReader, string> describe)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(describe(reader));
        }
        return rows;
    }
}
