using Coffer.Ledger.Accounts;
using Coffer.Ledger.Holds;
using Coffer.Ledger.Observability;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Platform.Time;

namespace Coffer.Ledger.Contracts;

/// <summary>
/// <see cref="IMoneyMover"/> on the ledger's own posting path: <see cref="LedgerStore"/> locks, <see cref="PostingRules"/>
/// checks and asserts, and the writes travel with the caller's COMMIT. References are checked before posting (a re-run
/// finds its earlier movement) and again by the unique (tenant, external_reference) index at commit (a concurrent twin loses).
/// </summary>
internal sealed class MoneyMover(LedgerStore store, HoldResolution resolution, RecordClock clock, LedgerMetrics metrics) : IMoneyMover
{
    /// <summary>The most movements one call posts: a fan-out pays in chunks of this size or less.</summary>
    public const int MaxMovementsPerCall = 1000;

    public async Task<WalletInfo?> FindWalletAsync(string tenantId, Guid accountId, CancellationToken cancellationToken)
    {
        var rows = await store.Session.QueryAsync(SqlStatement.Of(
            $"SELECT {AccountSnapshot.Columns} FROM accounts WHERE tenant_id = @tenant AND id = @id AND kind = '{AccountKinds.Wallet}'",
            ("tenant", tenantId), ("id", accountId)), AccountSnapshot.Read, cancellationToken);
        return rows is [var wallet] ? new WalletInfo(wallet.Id, wallet.OwnerId!, wallet.Currency, wallet.Available) : null;
    }

    public void OpenSystemAccounts(string tenantId, string currency, IReadOnlyList<string> codes)
    {
        var now = clock.Now();
        foreach (var code in codes)
        {
            store.Session.Defer(LedgerStore.EnsureSystemAccount(tenantId, currency,
                SystemAccounts.IsValidCode(code) ? code : throw new ArgumentException($"'{code}' is not a system account code.", nameof(codes)), now));
        }
    }

    public async Task<IReadOnlyDictionary<string, Guid>> FindPostedAsync(
        string tenantId, IReadOnlyCollection<string> references, CancellationToken cancellationToken)
    {
        if (references.Count == 0)
        {
            return new Dictionary<string, Guid>();
        }
        var (inReferences, value) = store.Session.Provider.InTexts("external_reference", "references", references);
        var rows = await store.Session.QueryAsync(SqlStatement.Of(
            $"SELECT external_reference, id FROM transfers WHERE tenant_id = @tenant AND {inReferences}",
            ("tenant", tenantId), ("references", value)), r => (Reference: r.GetString(0), Id: r.GetGuid(1)), cancellationToken);
        return rows.ToDictionary(r => r.Reference, r => r.Id, StringComparer.Ordinal);
    }

    public async Task<long> SystemBalanceAsync(string tenantId, string currency, string code, CancellationToken cancellationToken)
    {
        var rows = await store.Session.QueryAsync(SqlStatement.Of(
            "SELECT posted_credits - posted_debits FROM accounts WHERE id = @id",
            ("id", SystemAccounts.IdOf(tenantId, currency, code))), r => r.GetInt64(0), cancellationToken);
        return rows is [var balance] ? balance : 0;
    }

    public async Task<Outcome<IReadOnlyList<MovedMoney>>> MoveAsync(
        string tenantId, IReadOnlyList<MoneyMovement> movements, CancellationToken cancellationToken)
    {
        Validate(movements);
        var posted = await FindPostedAsync(tenantId, movements.Select(m => m.Reference).ToList(), cancellationToken);
        var pending = movements.Where(m => !posted.ContainsKey(m.Reference)).ToList();
        var moved = new List<MovedMoney>(movements.Count);
        if (pending.Count == 0)
        {
            moved.AddRange(movements.Select(m => new MovedMoney(m.Reference, posted[m.Reference], AlreadyPosted: true)));
            return moved;
        }
        var now = clock.Now();
        var ensure = pending.SelectMany(m => new[] { (m.From.SystemCode, m.Currency), (m.To.SystemCode, m.Currency) })
            .Where(s => s.SystemCode is not null).Distinct()
            .Select(s => LedgerStore.EnsureSystemAccount(tenantId, s.Currency, s.SystemCode!, now)).ToArray();
        var ids = pending.SelectMany(m => new[] { IdOf(tenantId, m.From, m.Currency), IdOf(tenantId, m.To, m.Currency) }).ToHashSet();
        var accounts = await store.LockAccountsAsync(tenantId, ids, cancellationToken, ensure);
        var transfers = new List<Transfer>(pending.Count);
        var fresh = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var movement in pending)
        {
            var debitId = IdOf(tenantId, movement.From, movement.Currency);
            var creditId = IdOf(tenantId, movement.To, movement.Currency);
            var failure = Check(accounts, movement.From, debitId, movement.Currency, "from")
                ?? Check(accounts, movement.To, creditId, movement.Currency, "to")
                ?? PostingRules.Post(accounts[debitId], accounts[creditId], movement.Amount);
            if (failure is not null)
            {
                metrics.Rejected(movement.Code, movements.Count);
                return failure.With("reference", movement.Reference);
            }
            var transfer = new Transfer
            {
                Id = clock.NewId(now),
                TenantId = tenantId,
                DebitAccountId = debitId,
                CreditAccountId = creditId,
                Amount = movement.Amount,
                Currency = movement.Currency,
                Code = movement.Code,
                Kind = TransferKinds.Posted,
                ExternalReference = movement.Reference,
                Description = movement.Description,
                CreatedAt = now,
            };
            transfers.Add(transfer);
            fresh[movement.Reference] = transfer.Id;
        }
        store.Stage(accounts.Values, transfers);
        moved.AddRange(movements.Select(m => posted.TryGetValue(m.Reference, out var earlier)
            ? new MovedMoney(m.Reference, earlier, AlreadyPosted: true)
            : new MovedMoney(m.Reference, fresh[m.Reference], AlreadyPosted: false)));
        return moved;
    }

    public async Task<Outcome<HeldMoney>> HoldAsync(string tenantId, MoneyHold hold, CancellationToken cancellationToken)
    {
        if (hold.Amount is <= 0 or > Money.Money.MaxAmountMinor || !Money.Currencies.IsKnown(hold.Currency)
            || !SystemAccounts.IsValidCode(hold.ToSystemCode) || string.IsNullOrEmpty(hold.Reference) || hold.Reference.Length > 255
            || hold.ExpiresIn < TimeSpan.FromSeconds(1) || hold.ExpiresIn > TimeSpan.FromSeconds(CreateHold.MaxExpiresInSeconds))
        {
            throw new ArgumentException($"Hold {hold.Reference} is malformed: {hold}.", nameof(hold));
        }
        var earlier = await store.Session.QueryAsync(SqlStatement.Of(
            """
            SELECT h.id, h.expires_at FROM transfers t JOIN holds h ON h.id = t.id
            WHERE t.tenant_id = @tenant AND t.external_reference = @reference
            """,
            ("tenant", tenantId), ("reference", hold.Reference)), r => (Id: r.GetGuid(0), ExpiresAt: r.GetFieldValue<DateTimeOffset>(1)),
            cancellationToken);
        if (earlier is [var placed])
        {
            return new HeldMoney(placed.Id, placed.ExpiresAt, AlreadyPlaced: true);
        }
        var now = clock.Now();
        var systemId = SystemAccounts.IdOf(tenantId, hold.Currency, hold.ToSystemCode);
        var accounts = await store.LockAccountsAsync(tenantId, [hold.WalletId, systemId], cancellationToken,
            LedgerStore.EnsureSystemAccount(tenantId, hold.Currency, hold.ToSystemCode, now));
        var failure = Check(accounts, MoneyAccount.Wallet(hold.WalletId), hold.WalletId, hold.Currency, "from")
            ?? Check(accounts, MoneyAccount.System(hold.ToSystemCode), systemId, hold.Currency, "to")
            ?? PostingRules.Reserve(accounts[hold.WalletId], accounts[systemId], hold.Amount);
        if (failure is not null)
        {
            metrics.Rejected(TransferCodes.Hold);
            return failure.With("reference", hold.Reference);
        }
        var staged = CreateHold.Stage(store, clock, now, tenantId, accounts, hold.WalletId, systemId, hold.Amount, hold.Currency,
            hold.ExpiresIn, hold.Description, hold.Reference);
        return new HeldMoney(staged.Id, staged.ExpiresAt, AlreadyPlaced: false);
    }

    public async Task<Outcome<MovedMoney>> CaptureHoldAsync(string tenantId, Guid holdId, CancellationToken cancellationToken)
    {
        var (hold, accounts) = await resolution.LockForModuleAsync(tenantId, holdId, cancellationToken);
        return hold switch
        {
            null => Failure.NotFound("hold"),
            { Status: HoldStatuses.Captured } => new MovedMoney(holdId.ToString(), hold.ResolutionTransferId!.Value, AlreadyPosted: true),
            // Past its expiry a pending hold is as good as expired (the sweeper is on its way): it is not captured late.
            { Status: HoldStatuses.Pending } when hold.ExpiresAt <= clock.Now() => LedgerFailures.HoldNotPending(HoldStatuses.Expired),
            { Status: HoldStatuses.Pending } => new MovedMoney(holdId.ToString(),
                resolution.CaptureLocked(hold, accounts!).ResolutionTransferId!.Value, AlreadyPosted: false),
            _ => LedgerFailures.HoldNotPending(hold.Status),
        };
    }

    public async Task<Outcome<bool>> ReleaseHoldAsync(string tenantId, Guid holdId, CancellationToken cancellationToken)
    {
        var (hold, accounts) = await resolution.LockForModuleAsync(tenantId, holdId, cancellationToken);
        return hold switch
        {
            null => Failure.NotFound("hold"),
            { Status: HoldStatuses.Pending } => Released(resolution.VoidLocked(hold, accounts!)),
            { Status: HoldStatuses.Voided or HoldStatuses.Expired } => false,
            _ => LedgerFailures.HoldNotPending(hold.Status),
        };

        static bool Released(Hold _) => true;
    }

    private static Guid IdOf(string tenantId, MoneyAccount account, string currency) =>
        account.WalletId ?? SystemAccounts.IdOf(tenantId, currency, account.SystemCode!);

    private static Failure? Check(Dictionary<Guid, AccountSnapshot> accounts, MoneyAccount side, Guid id, string currency, string field)
    {
        if (!accounts.TryGetValue(id, out var account) || (side.WalletId is not null && !account.IsWallet))
        {
            return Failure.NotFound("account").With("field", field);
        }
        return account.Currency == currency ? null : LedgerFailures.CurrencyMismatch(account.Currency, currency, field);
    }

    /// <summary>Programmer errors, not operating errors: the calling module validated its input.</summary>
    private static void Validate(IReadOnlyList<MoneyMovement> movements)
    {
        if (movements.Count is 0 or > MaxMovementsPerCall)
        {
            throw new ArgumentException($"Move 1 to {MaxMovementsPerCall} movements per call, not {movements.Count}.", nameof(movements));
        }
        if (movements.Select(m => m.Reference).Distinct(StringComparer.Ordinal).Count() != movements.Count)
        {
            throw new ArgumentException("Each movement of a call needs its own reference.", nameof(movements));
        }
        foreach (var m in movements)
        {
            if (m.Amount is <= 0 or > Money.Money.MaxAmountMinor || !Money.Currencies.IsKnown(m.Currency) || m.From == m.To
                || string.IsNullOrEmpty(m.Reference) || m.Reference.Length > 255 || string.IsNullOrEmpty(m.Code) || m.Code.Length > 32)
            {
                throw new ArgumentException($"Movement {m.Reference} is malformed: {m}.", nameof(movements));
            }
        }
    }
}
