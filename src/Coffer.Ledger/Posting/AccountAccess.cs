using Coffer.Platform.Identity;
using Coffer.Platform.Results;

namespace Coffer.Ledger.Posting;

/// <summary>
/// Who may move money from and to which account. A customer moves only from its own wallets; operators
/// and services act on every wallet of their tenant. System accounts move only through their own flows
/// (deposits, reversals), never by a plain transfer or hold. What a caller may not see is answered as not found.
/// </summary>
internal static class AccountAccess
{
    public static bool CanSee(Caller caller, AccountSnapshot account) =>
        account.TenantId == caller.Tenant && (caller.ActsForTenant || account.OwnerId == caller.Subject);

    public static Failure? CheckMovement(
        Caller caller, IReadOnlyDictionary<Guid, AccountSnapshot> accounts, Guid fromId, Guid toId, string currency,
        out AccountSnapshot? from, out AccountSnapshot? to)
    {
        accounts.TryGetValue(fromId, out from);
        accounts.TryGetValue(toId, out to);
        if (from is null || !CanSee(caller, from))
        {
            return Failure.NotFound("account").With("field", "fromAccountId");
        }
        if (to is null || (!caller.ActsForTenant && !to.IsWallet))
        {
            return Failure.NotFound("account").With("field", "toAccountId");
        }
        if (!from.IsWallet || !to.IsWallet)
        {
            return LedgerFailures.AccountNotTransferable(from.IsWallet ? "toAccountId" : "fromAccountId");
        }
        if (from.Currency != currency)
        {
            return LedgerFailures.CurrencyMismatch(from.Currency, currency, "fromAccountId");
        }
        if (to.Currency != currency)
        {
            return LedgerFailures.CurrencyMismatch(to.Currency, currency, "toAccountId");
        }
        return null;
    }
}
