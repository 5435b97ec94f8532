using Coffer.Ledger.Posting;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;

namespace Coffer.Ledger.Transfers;

/// <summary>Reads of transfers, filtered to what the caller may see.</summary>
internal sealed class TransferQueries(DbSession session)
{
    /// <summary>A transfer of the caller's tenant; a customer sees it only if one side is its own account.</summary>
    public async Task<TransferResponse?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var ownerFilter = caller.ActsForTenant ? "" : "AND (d.owner_id = @subject OR c.owner_id = @subject)";
        var rows = await session.QueryAsync(SqlStatement.Of(
            $"""
            SELECT {Transfer.Columns}
            FROM transfers t
            JOIN accounts d ON d.id = t.debit_account_id
            JOIN accounts c ON c.id = t.credit_account_id
            WHERE t.id = @id AND t.tenant_id = @tenant {ownerFilter}
            """,
            ("id", id), ("tenant", caller.Tenant), ("subject", caller.Subject)), Transfer.Read, cancellationToken);
        return rows is [var transfer] ? TransferResponse.From(transfer) : null;
    }

    /// <summary>The transfer as the ledger stores it, for reversal (operators only reach this).</summary>
    /// <summary>The transfer as the ledger stores it, for reversal (operators only reach this).</summary>
    public async Task<Transfer?> FindRawAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(SqlStatement.Of(
            $"SELECT {Transfer.Columns} FROM transfers t WHERE t.id = @id AND t.tenant_id = @tenant",
            ("id", id), ("tenant", tenantId)), Transfer.Read, cancellationToken);
        return rows.SingleOrDefault();
    }

    public async Task<Guid?> FindReversalOfAsync(Guid transferId, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(
            SqlStatement.Of("SELECT id FROM transfers WHERE reversal_of = @id", ("id", transferId)), r => r.GetGuid(0), cancellationToken);
        return rows is [var id] ? id : null;
    }
}
