using Coffer.Ledger.Accounts;
using Coffer.Ledger.Holds;
using Coffer.Ledger.Observability;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Persistence;

namespace Coffer.Ledger.Posting;

/// <summary>
/// The ledger's SQL on the hot path: lock accounts in id order, then write balance deltas and
/// transfers. Writes are either staged (sent together with COMMIT: one round trip) or run at once
/// when the caller needs to attribute a constraint violation.
/// </summary>
internal sealed class LedgerStore(DbSession session, LedgerMetrics metrics)
{
    public DbSession Session => session;

    /// <summary>
    /// Locks the tenant's accounts among <paramref name="ids"/> in ascending id order (no deadlocks)
    /// and returns them; ids of other tenants or unknown ids are simply absent.
    /// </summary>
    public async Task<Dictionary<Guid, AccountSnapshot>> LockAccountsAsync(
        string tenantId, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken, params SqlStatement[] before)
    {
        EnsureTransaction();
        var (inIds, value) = session.Provider.InIds("id", "ids", ids);
        var query = SqlStatement.Of(
            $"SELECT {AccountSnapshot.Columns} FROM accounts WHERE tenant_id = @tenant AND {inIds} ORDER BY id{session.Provider.ForUpdate()}",
            ("tenant", tenantId), ("ids", value));
        var rows = await session.QueryAsync(before, query, AccountSnapshot.Read, cancellationToken);
        return rows.ToDictionary(a => a.Id);
    }

    /// <summary>An idempotent insert of a system account whose id derives from (tenant, currency, code).</summary>
    public static SqlStatement EnsureSystemAccount(string tenantId, string currency, string code, DateTimeOffset now) => SqlStatement.Of(
        """
        INSERT INTO accounts (id, tenant_id, owner_id, kind, system_code, currency, name, allow_negative,
            posted_debits, posted_credits, pending_debits, pending_credits, created_at)
        VALUES (@id, @tenant, NULL, 'system', @code, @currency, @code, @allowNegative, 0, 0, 0, 0, @now)
        ON CONFLICT DO NOTHING
        """,
        ("id", SystemAccounts.IdOf(tenantId, currency, code)), ("tenant", tenantId), ("code", code),
        ("currency", currency), ("allowNegative", true), ("now", now));

    public static SqlStatement InsertWallet(Guid id, string tenantId, string ownerId, string currency, string? name, DateTimeOffset now) =>
        SqlStatement.Of(
            """
            INSERT INTO accounts (id, tenant_id, owner_id, kind, system_code, currency, name, allow_negative,
                posted_debits, posted_credits, pending_debits, pending_credits, created_at)
            VALUES (@id, @tenant, @owner, 'wallet', NULL, @currency, @name, @allowNegative, 0, 0, 0, 0, @now)
            """,
            ("id", id), ("tenant", tenantId), ("owner", ownerId), ("currency", currency), ("name", name),
            ("allowNegative", false), ("now", now));

    /// <summary>Queues the writes to travel with COMMIT.</summary>
    public void Stage(IEnumerable<AccountSnapshot> accounts, IEnumerable<Transfer> transfers, params SqlStatement[] extra)
    {
        foreach (var statement in WriteStatements(accounts, transfers, extra))
        {
            session.Defer(statement);
        }
    }

    /// <summary>Runs the writes now, so that a constraint violation surfaces here.</summary>
    public Task WriteNowAsync(
        IEnumerable<AccountSnapshot> accounts, IEnumerable<Transfer> transfers, CancellationToken cancellationToken, params SqlStatement[] extra) =>
        session.ExecuteAsync(WriteStatements(accounts, transfers, extra), cancellationToken);

    private List<SqlStatement> WriteStatements(IEnumerable<AccountSnapshot> accounts, IEnumerable<Transfer> transfers, SqlStatement[] extra)
    {
        EnsureTransaction();
        var written = transfers.ToList();
        var changed = accounts.Where(a => a.Changed).OrderBy(a => a.Id).ToList();
        var statements = new List<SqlStatement>();
        // Transfers first: their foreign keys need no lock the deltas do not already hold.
        // On PostgreSQL a batch travels as one set-based statement per table instead of one per row: a batch of
        // 100 transfers is 2 statements, not 300 (each statement costs the server a parse/bind/execute cycle).
        var setBased = session.Provider == DatabaseProvider.Postgres;
        if (setBased && written.Count > 1)
        {
            statements.Add(InsertTransfers(written));
        }
        else
        {
            statements.AddRange(written.Select(InsertTransfer));
        }
        if (setBased && changed.Count > 2)
        {
            statements.Add(ApplyDeltas(changed));
        }
        else
        {
            statements.AddRange(changed.Select(ApplyDelta));
        }
        foreach (var account in changed)
        {
            account.MarkClean();
        }
        statements.AddRange(extra);
        if (written.Count > 0)
        {
            session.OnCommitted(() => metrics.Committed(written));
        }
        return statements;
    }

    private static SqlStatement ApplyDelta(AccountSnapshot account)
    {
        var (postedDebits, postedCredits, pendingDebits, pendingCredits) = account.Delta;
        return SqlStatement.Of(
            """
            UPDATE accounts SET posted_debits = posted_debits + @pd, posted_credits = posted_credits + @pc,
                pending_debits = pending_debits + @xd, pending_credits = pending_credits + @xc
            WHERE id = @id
            """,
            ("pd", postedDebits), ("pc", postedCredits), ("xd", pendingDebits), ("xc", pendingCredits), ("id", account.Id));
    }

    /// <summary>Every changed account's deltas in one UPDATE over parallel arrays (PostgreSQL only).</summary>
    private static SqlStatement ApplyDeltas(IReadOnlyList<AccountSnapshot> accounts)
    {
        var deltas = accounts.Select(a => a.Delta).ToList();
        return SqlStatement.Of(
            """
            UPDATE accounts a SET posted_debits = a.posted_debits + d.pd, posted_credits = a.posted_credits + d.pc,
                pending_debits = a.pending_debits + d.xd, pending_credits = a.pending_credits + d.xc
            FROM unnest(@ids, @pd, @pc, @xd, @xc) AS d(id, pd, pc, xd, xc)
            WHERE a.id = d.id
            """,
            ("ids", accounts.Select(a => a.Id).ToArray()),
            ("pd", deltas.Select(d => d.PostedDebits).ToArray()), ("pc", deltas.Select(d => d.PostedCredits).ToArray()),
            ("xd", deltas.Select(d => d.PendingDebits).ToArray()), ("xc", deltas.Select(d => d.PendingCredits).ToArray()));
    }

    private static SqlStatement InsertTransfer(Transfer t) => SqlStatement.Of(
        """
        INSERT INTO transfers (id, tenant_id, debit_account_id, credit_account_id, amount, currency, code, kind,
            pending_id, reversal_of, external_reference, description, metadata, created_at)
        VALUES (@id, @tenant, @debit, @credit, @amount, @currency, @code, @kind,
            @pending, @reversal, @external, @description, @metadata, @created)
        """,
        ("id", t.Id), ("tenant", t.TenantId), ("debit", t.DebitAccountId), ("credit", t.CreditAccountId),
        ("amount", t.Amount), ("currency", t.Currency), ("code", t.Code), ("kind", t.Kind), ("pending", t.PendingId),
        ("reversal", t.ReversalOf), ("external", t.ExternalReference), ("description", t.Description),
        ("metadata", t.Metadata), ("created", t.CreatedAt));

    /// <summary>Many transfers in one INSERT over parallel arrays, in list order (PostgreSQL only).</summary>
    private static SqlStatement InsertTransfers(IReadOnlyList<Transfer> transfers) => SqlStatement.Of(
        """
        INSERT INTO transfers (id, tenant_id, debit_account_id, credit_account_id, amount, currency, code, kind,
            pending_id, reversal_of, external_reference, description, metadata, created_at)
        SELECT * FROM unnest(@id, @tenant, @debit, @credit, @amount, @currency, @code, @kind,
            @pending, @reversal, @external, @description, @metadata, @created)
        """,
        ("id", transfers.Select(t => t.Id).ToArray()), ("tenant", transfers.Select(t => t.TenantId).ToArray()),
        ("debit", transfers.Select(t => t.DebitAccountId).ToArray()), ("credit", transfers.Select(t => t.CreditAccountId).ToArray()),
        ("amount", transfers.Select(t => t.Amount).ToArray()), ("currency", transfers.Select(t => t.Currency).ToArray()),
        ("code", transfers.Select(t => t.Code).ToArray()), ("kind", transfers.Select(t => t.Kind).ToArray()),
        ("pending", transfers.Select(t => t.PendingId).ToArray()), ("reversal", transfers.Select(t => t.ReversalOf).ToArray()),
        ("external", transfers.Select(t => t.ExternalReference).ToArray()),
        ("description", transfers.Select(t => t.Description).ToArray()), ("metadata", transfers.Select(t => t.Metadata).ToArray()),
        ("created", transfers.Select(t => t.CreatedAt).ToArray()));

    public static SqlStatement InsertHold(Hold h) => SqlStatement.Of(
        """
        INSERT INTO holds (id, tenant_id, debit_account_id, credit_account_id, amount, currency, status,
            captured_amount, resolution_transfer_id, expires_at, created_at, resolved_at)
        VALUES (@id, @tenant, @debit, @credit, @amount, @currency, 'pending', NULL, NULL, @expires, @created, NULL)
        """,
        ("id", h.Id), ("tenant", h.TenantId), ("debit", h.DebitAccountId), ("credit", h.CreditAccountId),
        ("amount", h.Amount), ("currency", h.Currency), ("expires", h.ExpiresAt), ("created", h.CreatedAt));

    private void EnsureTransaction()
    {
        if (!session.InTransaction)
        {
            throw new LedgerInvariantException("Ledger writes need the unit of work's transaction.");
        }
    }
}
