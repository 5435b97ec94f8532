using Coffer.Platform.Persistence;

namespace Coffer.Ledger.Reconciliation;

/// <summary>
/// The ledger's consistency checks, one SQL statement each so that every check reads one consistent snapshot while
/// money keeps moving. Balances are re-derived from the transfers (the event log) with set operations, not per-account
/// subqueries, so a run scans each table once.
/// </summary>
internal sealed class LedgerChecks(DbSession session)
{
    /// <summary>Findings are capped per check: a systemic fault must not produce a report of millions of rows.</summary>
    public const int MaxFindingsPerCheck = 1000;

    public async Task<long> CountAccountsAsync(CancellationToken cancellationToken) =>
        (await session.QueryAsync(SqlStatement.Of("SELECT COUNT(*) FROM accounts"), r => r.GetInt64(0), cancellationToken))[0];

    /// <summary>Stored totals that differ from the sums of the transfers that touch the account.</summary>
    public Task<List<ReconciliationFinding>> BalancesAsync(CancellationToken cancellationToken) => session.QueryAsync(
        SqlStatement.Of(
            $"""
            WITH legs AS (
                SELECT debit_account_id AS account_id, amount AS pd, 0 AS pc, 0 AS xd, 0 AS xc FROM transfers WHERE kind IN ('posted', 'post_pending')
                UNION ALL SELECT credit_account_id, 0, amount, 0, 0 FROM transfers WHERE kind IN ('posted', 'post_pending')
                UNION ALL SELECT t.debit_account_id, 0, 0, t.amount, 0 FROM transfers t
                    WHERE t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.id)
                UNION ALL SELECT t.credit_account_id, 0, 0, 0, t.amount FROM transfers t
                    WHERE t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.id)
            ),
            derived AS (
                SELECT account_id, SUM(pd) AS pd, SUM(pc) AS pc, SUM(xd) AS xd, SUM(xc) AS xc FROM legs GROUP BY account_id
            )
            SELECT a.id, a.tenant_id, a.currency,
                a.posted_debits, a.posted_credits, a.pending_debits, a.pending_credits,
                CAST(COALESCE(d.pd, 0) AS BIGINT), CAST(COALESCE(d.pc, 0) AS BIGINT),
                CAST(COALESCE(d.xd, 0) AS BIGINT), CAST(COALESCE(d.xc, 0) AS BIGINT)
            FROM accounts a LEFT JOIN derived d ON d.account_id = a.id
            WHERE a.posted_debits <> COALESCE(d.pd, 0) OR a.posted_credits <> COALESCE(d.pc, 0)
               OR a.pending_debits <> COALESCE(d.xd, 0) OR a.pending_credits <> COALESCE(d.xc, 0)
            ORDER BY a.id LIMIT {MaxFindingsPerCheck}
            """),
        r => new ReconciliationFinding(ReconciliationChecks.Balance, r.GetString(1), r.GetString(2), r.GetGuid(0).ToString(),
            $"stored (posted debits {r.GetInt64(3)}, posted credits {r.GetInt64(4)}, pending debits {r.GetInt64(5)}, pending credits {r.GetInt64(6)}) "
            + $"differ from the transfers ({r.GetInt64(7)}, {r.GetInt64(8)}, {r.GetInt64(9)}, {r.GetInt64(10)})"),
        cancellationToken);

    /// <summary>Per tenant and currency, debits equal credits, posted and pending: money is neither made nor lost.</summary>
    public Task<List<ReconciliationFinding>> ConservationAsync(CancellationToken cancellationToken) => session.QueryAsync(
        SqlStatement.Of(
            $"""
            SELECT tenant_id, currency,
                CAST(SUM(posted_debits) AS BIGINT), CAST(SUM(posted_credits) AS BIGINT),
                CAST(SUM(pending_debits) AS BIGINT), CAST(SUM(pending_credits) AS BIGINT)
            FROM accounts GROUP BY tenant_id, currency
            HAVING SUM(posted_debits) <> SUM(posted_credits) OR SUM(pending_debits) <> SUM(pending_credits)
            ORDER BY tenant_id, currency LIMIT {MaxFindingsPerCheck}
            """),
        r => new ReconciliationFinding(ReconciliationChecks.Conservation, r.GetString(0), r.GetString(1), null,
            $"posted debits {r.GetInt64(2)} vs credits {r.GetInt64(3)}; pending debits {r.GetInt64(4)} vs credits {r.GetInt64(5)}"),
        cancellationToken);

    /// <summary>No wallet spends more than it has (available = posted credits − posted debits − pending debits).</summary>
    public Task<List<ReconciliationFinding>> OverdraftsAsync(CancellationToken cancellationToken) => session.QueryAsync(
        SqlStatement.Of(
            $"""
            SELECT id, tenant_id, currency, posted_credits - posted_debits - pending_debits FROM accounts
            WHERE kind = 'wallet' AND posted_credits - posted_debits - pending_debits < 0
            ORDER BY id LIMIT {MaxFindingsPerCheck}
            """),
        r => new ReconciliationFinding(ReconciliationChecks.Overdraft, r.GetString(1), r.GetString(2), r.GetGuid(0).ToString(),
            $"wallet available balance is {r.GetInt64(3)}"),
        cancellationToken);

    /// <summary>Every hold's status agrees with the transfer that resolved it (or with having none).</summary>
    public Task<List<ReconciliationFinding>> HoldsAsync(CancellationToken cancellationToken) => session.QueryAsync(
        SqlStatement.Of(
            $"""
            SELECT h.id, h.tenant_id, h.currency, h.status FROM holds h
            LEFT JOIN transfers r ON r.pending_id = h.id
            WHERE (h.status = 'pending' AND r.id IS NOT NULL)
               OR (h.status = 'captured' AND (r.id IS NULL OR r.kind <> 'post_pending' OR r.amount <> h.captured_amount))
               OR (h.status IN ('voided', 'expired') AND (r.id IS NULL OR r.kind <> 'void_pending' OR r.amount <> h.amount))
            ORDER BY h.id LIMIT {MaxFindingsPerCheck}
            """),
        r => new ReconciliationFinding(ReconciliationChecks.Hold, r.GetString(1), r.GetString(2), r.GetGuid(0).ToString(),
            $"hold is {r.GetString(3)} but its resolving transfer says otherwise"),
        cancellationToken);

    /// <summary>Value held per currency across tenants: wallets' posted balances and pending holds (for the gauge).</summary>
    public Task<List<(string Currency, string State, long Amount)>> ValueHeldAsync(CancellationToken cancellationToken) => session.QueryAsync(
        SqlStatement.Of(
            """
            SELECT currency, 'posted', CAST(SUM(posted_credits - posted_debits) AS BIGINT) FROM accounts WHERE kind = 'wallet' GROUP BY currency
            UNION ALL
            SELECT currency, 'pending', CAST(SUM(amount) AS BIGINT) FROM holds WHERE status = 'pending' GROUP BY currency
            """),
        r => (r.GetString(0), r.GetString(1), r.GetInt64(2)),
        cancellationToken);
}
