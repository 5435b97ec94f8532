using Coffer.Testing;
using Npgsql;

namespace Coffer.Chaos.Verification;

/// <summary>
/// The ledger's invariants, re-derived in SQL from the database after the run (the pair check of what the server asserts on
/// write and reconciliation re-derives): conservation per tenant and currency, no overdrawn wallet, every account's four
/// totals equal to the sums of its transfers, every hold's status agreeing with its resolving transfer.
/// </summary>
internal static class LedgerInvariants
{
    public static async Task CheckAsync(string ownerConnectionString, Findings findings)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        foreach (var row in await LedgerSnapshot.QueryAsync(connection, LedgerAudit.UnbalancedBooks, r =>
            $"tenant {r.GetString(0)} {r.GetString(1)}: posted debits {r.GetInt64(2)} ≠ credits {r.GetInt64(3)}, "
            + $"or pending debits {r.GetInt64(4)} ≠ credits {r.GetInt64(5)}"))
        {
            findings.Add("conservation", row);
        }
        foreach (var row in await LedgerSnapshot.QueryAsync(connection, OverdrawnWallets, r =>
            $"wallet {r.GetGuid(0)} of {r.GetString(1)}: available {r.GetInt64(2)}"))
        {
            findings.Add("negative wallet", row);
        }
        foreach (var row in await LedgerSnapshot.QueryAsync(connection, DerivedBalances, r =>
            $"account {r.GetGuid(0)}: stored totals ({r.GetInt64(1)}, {r.GetInt64(2)}, {r.GetInt64(3)}, {r.GetInt64(4)}) "
            + $"≠ derived from its transfers ({r.GetInt64(5)}, {r.GetInt64(6)}, {r.GetInt64(7)}, {r.GetInt64(8)})"))
        {
            findings.Add("balance = log", row);
        }
        foreach (var row in await LedgerSnapshot.QueryAsync(connection, LedgerAudit.InconsistentHolds, r =>
            $"hold {r.GetGuid(0)} is {r.GetString(1)} but its resolving transfers say otherwise"))
        {
            findings.Add("hold resolution", row);
        }
    }

    private const string OverdrawnWallets = """
        SELECT id, tenant_id, posted_credits - posted_debits - pending_debits FROM accounts
        WHERE kind = 'wallet' AND posted_credits - posted_debits - pending_debits < 0
        """;

    private const string DerivedBalances = """
        WITH unresolved AS (
          SELECT t.* FROM transfers t
          WHERE t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.id)),
        sums AS (
          SELECT debit_account_id AS account_id, amount AS posted_debits, 0 AS posted_credits, 0 AS pending_debits, 0 AS pending_credits
            FROM transfers WHERE kind IN ('posted', 'post_pending')
          UNION ALL SELECT credit_account_id, 0, amount, 0, 0 FROM transfers WHERE kind IN ('posted', 'post_pending')
          UNION ALL SELECT debit_account_id, 0, 0, amount, 0 FROM unresolved
          UNION ALL SELECT credit_account_id, 0, 0, 0, amount FROM unresolved),
        derived AS (
          SELECT account_id, SUM(posted_debits)::bigint AS d0, SUM(posted_credits)::bigint AS d1,
                 SUM(pending_debits)::bigint AS d2, SUM(pending_credits)::bigint AS d3
          FROM sums GROUP BY account_id)
        SELECT a.id, a.posted_debits, a.posted_credits, a.pending_debits, a.pending_credits,
               COALESCE(d.d0, 0), COALESCE(d.d1, 0), COALESCE(d.d2, 0), COALESCE(d.d3, 0)
        FROM accounts a LEFT JOIN derived d ON d.account_id = a.id
        WHERE a.posted_debits <> COALESCE(d.d0, 0) OR a.posted_credits <> COALESCE(d.d1, 0)
           OR a.pending_debits <> COALESCE(d.d2, 0) OR a.pending_credits <> COALESCE(d.d3, 0)
        """;
}
