using Coffer.Ledger.Transfers;
using Coffer.Platform.Persistence;

namespace Coffer.Ledger.Statements;

/// <summary>One line of a statement: a posted movement seen from one account.</summary>
internal sealed record StatementEntry(Guid TransferId, string Direction, long Amount, string Currency, string Code, DateTimeOffset CreatedAt);

/// <summary>
/// Statements: the posted transfers of an account, newest first. Holds show in the balance's pending
/// part until they are captured (then as a posted entry) or released.
/// </summary>
internal sealed class StatementQueries(DbSession session)
{
    public async Task<List<StatementEntry>> PageAsync(Guid accountId, Guid? before, int limit, CancellationToken cancellationToken)
    {
        // Two index range scans (debit side, credit side) merged: each is already in id order.
        var arm = (string side) => $"""
            SELECT * FROM (
                SELECT id, debit_account_id, amount, currency, code, created_at FROM transfers
                WHERE {side}_account_id = @account AND kind IN ('{TransferKinds.Posted}', '{TransferKinds.PostPending}')
                  {(before is null ? "" : "AND id < @before")}
                ORDER BY id DESC LIMIT @limit) AS {side}_side
            """;
        return await session.QueryAsync(SqlStatement.Of(
            $"""
            SELECT id, debit_account_id, amount, currency, code, created_at FROM (
            {arm("debit")}
            UNION ALL
            {arm("credit")}
            ) AS entries ORDER BY id DESC LIMIT @limit
            """,
            ("account", accountId), ("before", before), ("limit", limit + 1)),
            r => new StatementEntry(
                r.GetGuid(0), r.GetGuid(1) == accountId ? "debit" : "credit", r.GetInt64(2), r.GetString(3), r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5)),
            cancellationToken);
    }
}
