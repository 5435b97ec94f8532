using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;

namespace Coffer.Ledger.Holds;

internal sealed class HoldQueries(DbSession session)
{
    /// <summary>A hold of the caller's tenant; a customer sees it only if one side is its own account.</summary>
    public async Task<Hold?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var ownerFilter = caller.ActsForTenant ? "" : "AND (d.owner_id = @subject OR c.owner_id = @subject)";
        var rows = await session.QueryAsync(SqlStatement.Of(
            $"""
            SELECT {Hold.Columns}
            FROM holds h
            JOIN accounts d ON d.id = h.debit_account_id
            JOIN accounts c ON c.id = h.credit_account_id
            WHERE h.id = @id AND h.tenant_id = @tenant {ownerFilter}
            """,
            ("id", id), ("tenant", caller.Tenant), ("subject", caller.Subject)), Hold.Read, cancellationToken);
        return rows.SingleOrDefault();
    }

    /// <summary>Locks the hold row; holds are always locked before their accounts.</summary>
    public async Task<Hold?> LockAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(SqlStatement.Of(
            $"SELECT {Hold.Columns} FROM holds h WHERE h.id = @id AND h.tenant_id = @tenant{session.Provider.ForUpdate()}",
            ("id", id), ("tenant", tenantId)), Hold.Read, cancellationToken);
        return rows.SingleOrDefault();
    }

    /// <summary>Pending holds past their expiry, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<List<(Guid Id, string TenantId)>> ExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        session.QueryAsync(SqlStatement.Of(
            "SELECT id, tenant_id FROM holds WHERE status = 'pending' AND expires_at <= @now ORDER BY expires_at LIMIT @limit",
            ("now", now), ("limit", limit)), r => (r.GetGuid(0), r.GetString(1)), cancellationToken);
}
