using Coffer.Ledger.Posting;
using Coffer.Platform.Identity;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;

namespace Coffer.Ledger.Accounts;

/// <summary>Reads of accounts, filtered to what the caller may see.</summary>
internal sealed class AccountQueries(DbSession session)
{
    public const int DefaultPageSize = Page<AccountResponse>.DefaultSize;
    public const int MaxPageSize = Page<AccountResponse>.MaxSize;

    public async Task<AccountSnapshot?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(SqlStatement.Of(
            $"SELECT {AccountSnapshot.Columns} FROM accounts WHERE id = @id AND tenant_id = @tenant",
            ("id", id), ("tenant", caller.Tenant)), AccountSnapshot.Read, cancellationToken);
        return rows is [var account] && AccountAccess.CanSee(caller, account) ? account : null;
    }

    /// <summary>A page of accounts in id (creation) order; customers list only their own wallets.</summary>
    public Task<List<AccountSnapshot>> ListAsync(
        Caller caller, string? ownerId, string kind, Guid? after, int limit, CancellationToken cancellationToken)
    {
        var owner = caller.ActsForTenant ? ownerId : caller.Subject;
        return session.QueryAsync(SqlStatement.Of(
            $"""
            SELECT {AccountSnapshot.Columns} FROM accounts
            WHERE tenant_id = @tenant AND kind = @kind
              {(owner is null ? "" : "AND owner_id = @owner")}
              {(after is null ? "" : "AND id > @after")}
            ORDER BY id
            LIMIT @limit
            """,
            ("tenant", caller.Tenant), ("kind", kind), ("owner", owner), ("after", after), ("limit", limit + 1)),
            AccountSnapshot.Read, cancellationToken);
    }
}
