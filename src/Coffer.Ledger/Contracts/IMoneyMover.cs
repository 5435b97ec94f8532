using Coffer.Ledger.Accounts;
using Coffer.Platform.Results;

namespace Coffer.Ledger.Contracts;

/// <summary>
/// What the ledger offers the other modules: posting money between wallets and system accounts inside the caller's own
/// unit of work (the open <see cref="Platform.Persistence.DbSession"/> transaction), so a module's state change, its
/// outbox row, its audit event and the money commit together or not at all.
/// <para>
/// Every movement carries a reference that is unique per tenant in the transfers log: a movement whose reference is already
/// posted is not posted again but answered as <see cref="MovedMoney.AlreadyPosted"/>. That is how a job re-run after a
/// crash, or a redelivered message, moves money exactly once.
/// </para>
/// </summary>
public interface IMoneyMover
{
    /// <summary>The wallet <paramref name="accountId"/> of <paramref name="tenantId"/>, or null when there is none (or it is a system account).</summary>
    Task<WalletInfo?> FindWalletAsync(string tenantId, Guid accountId, CancellationToken cancellationToken);

    /// <summary>Creates the system accounts <paramref name="codes"/> (if absent) with the open transaction's commit.</summary>
    void OpenSystemAccounts(string tenantId, string currency, IReadOnlyList<string> codes);

    /// <summary>
    /// Posts <paramref name="movements"/> all-or-nothing in the open transaction: every account is locked once, in id order,
    /// system accounts are created on first use, and each movement is checked against the balances the earlier ones left.
    /// Expected refusals (<c>insufficient_funds</c>, <c>not_found</c> for an unknown wallet, <c>currency_mismatch</c>) come
    /// back as the failure and nothing is written; the caller decides whether to roll back its own work.
    /// </summary>
    Task<Outcome<IReadOnlyList<MovedMoney>>> MoveAsync(
        string tenantId, IReadOnlyList<MoneyMovement> movements, CancellationToken cancellationToken);

    /// <summary>The posted references among <paramref name="references"/> with their transfer ids (for re-runs that must not move again).</summary>
    Task<IReadOnlyDictionary<string, Guid>> FindPostedAsync(
        string tenantId, IReadOnlyCollection<string> references, CancellationToken cancellationToken);

    /// <summary>The posted balance (credits less debits) of the system account <paramref name="code"/>, 0 when it does not exist yet.</summary>
    Task<long> SystemBalanceAsync(string tenantId, string currency, string code, CancellationToken cancellationToken);

    /// <summary>
    /// Places a hold (a pending transfer) on a customer's wallet for a system account in the open transaction: the wallet's
    /// available balance drops at once, its posted balance when the hold is captured. The hold's reference is unique per
    /// tenant like a movement's: a hold whose reference exists is not placed again but answered with the earlier hold
    /// (<see cref="HeldMoney.AlreadyPlaced"/>). Refusals (<c>insufficient_funds</c>, <c>not_found</c>, <c>currency_mismatch</c>)
    /// come back as the failure and nothing is written. Unresolved, the ledger expires the hold after <see cref="MoneyHold.ExpiresIn"/>.
    /// </summary>
    Task<Outcome<HeldMoney>> HoldAsync(string tenantId, MoneyHold hold, CancellationToken cancellationToken);

    /// <summary>
    /// Captures the whole pending hold <paramref name="holdId"/> in the open transaction (the hold row, then its accounts, are
    /// locked). A hold captured before is answered with its capture (<see cref="MovedMoney.AlreadyPosted"/>); a voided or
    /// expired one is <c>hold_not_pending</c>; an unknown one <c>not_found</c>.
    /// </summary>
    Task<Outcome<MovedMoney>> CaptureHoldAsync(string tenantId, Guid holdId, CancellationToken cancellationToken);

    /// <summary>
    /// Voids the pending hold <paramref name="holdId"/> in the open transaction: true when it was released now, false when it
    /// was voided or expired before; a captured hold is <c>hold_not_pending</c> (give the money back by a movement instead).
    /// </summary>
    Task<Outcome<bool>> ReleaseHoldAsync(string tenantId, Guid holdId, CancellationToken cancellationToken);
}

/// <param name="WalletId">The customer's wallet the money is held on.</param>
/// <param name="ToSystemCode">The system account the money is for, once captured (see <see cref="MoneyAccount.System"/>).</param>
/// <param name="Reference">Unique per tenant across the transfers log: the hold's idempotency key.</param>
/// <param name="ExpiresIn">How long the hold lasts unresolved before the ledger releases it (1 s to 30 days).</param>
public sealed record MoneyHold(
    Guid WalletId, string ToSystemCode, long Amount, string Currency, TimeSpan ExpiresIn, string Reference, string? Description = null);

/// <param name="HoldId">The hold's id (its pending transfer's).</param>
/// <param name="AlreadyPlaced">True when the reference had been placed before this call: nothing was held now.</param>
public sealed record HeldMoney(Guid HoldId, DateTimeOffset ExpiresAt, bool AlreadyPlaced);

/// <summary>One side of a movement: a customer's wallet, or a per-tenant, per-currency system account named by its code.</summary>
public sealed record MoneyAccount
{
    private MoneyAccount(Guid? walletId, string? systemCode)
    {
        WalletId = walletId;
        SystemCode = systemCode;
    }

    public Guid? WalletId { get; }
    public string? SystemCode { get; }

    public static MoneyAccount Wallet(Guid accountId) => new(accountId, null);

    /// <summary>
    /// A system account such as <c>custody:&lt;product&gt;</c>: a lower-case name, optionally a colon and a suffix of letters,
    /// digits, <c>-</c> and <c>_</c>, 32 characters at most. System accounts may go negative (see DESIGN §2).
    /// </summary>
    public static MoneyAccount System(string code) =>
        SystemAccounts.IsValidCode(code) ? new(null, code) : throw new ArgumentException($"'{code}' is not a system account code.", nameof(code));

    public override string ToString() => WalletId is { } id ? $"wallet {id}" : $"system {SystemCode}";
}

/// <param name="Reference">Unique per tenant across the transfers log (at most 255 characters): the movement's idempotency key.</param>
/// <param name="Code">What kind of movement this is (<c>investment</c>, <c>dividend</c> …), at most 32 characters; a metric label.</param>
public sealed record MoneyMovement(
    MoneyAccount From, MoneyAccount To, long Amount, string Currency, string Reference, string Code, string? Description = null);

/// <param name="AlreadyPosted">True when the reference was posted before this call: nothing moved now.</param>
public sealed record MovedMoney(string Reference, Guid TransferId, bool AlreadyPosted);

/// <summary>A wallet as another module needs to see it.</summary>
public sealed record WalletInfo(Guid Id, string OwnerId, string Currency, long Available);
