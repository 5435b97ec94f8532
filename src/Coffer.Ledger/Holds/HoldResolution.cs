using Coffer.Ledger.Observability;
using Coffer.Ledger.Posting;
using Coffer.Platform.Audit;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Identity;
using Coffer.Platform.Time;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;

namespace Coffer.Ledger.Holds;

/// <summary>
/// Resolves a pending hold exactly once: capture (all or part; the rest is released), void, or expiry.
/// The hold row is locked first, then its accounts, in the same order everywhere.
/// </summary>
internal sealed class HoldResolution(HoldQueries holds, LedgerStore store, RecordClock clock, AuditTrail audit, LedgerMetrics metrics)
{
    public async Task<Outcome<Hold>> CaptureAsync(Caller caller, Guid holdId, long? amount, CancellationToken cancellationToken)
    {
        var locked = await LockForPayeeAsync(caller, holdId, cancellationToken);
        if (!locked.IsSuccess)
        {
            metrics.Rejected(TransferCodes.HoldCapture);
            return locked.Failure;
        }
        var (hold, debit, credit, accounts) = locked.Value;
        var captured = amount ?? hold.Amount;
        if (captured > hold.Amount)
        {
            metrics.Rejected(TransferCodes.HoldCapture);
            return LedgerFailures.CaptureExceedsHold(hold.Amount);
        }
        PostingRules.PostPending(debit, credit, hold.Amount, captured);
        return Resolve(hold, accounts, HoldStatuses.Captured, TransferKinds.PostPending, TransferCodes.HoldCapture, captured);
    }

    public async Task<Outcome<Hold>> VoidAsync(Caller caller, Guid holdId, CancellationToken cancellationToken)
    {
        var locked = await LockForPayeeAsync(caller, holdId, cancellationToken);
        if (!locked.IsSuccess)
        {
            metrics.Rejected(TransferCodes.HoldVoid);
            return locked.Failure;
        }
        var (hold, debit, credit, accounts) = locked.Value;
        PostingRules.VoidPending(debit, credit, hold.Amount);
        return Resolve(hold, accounts, HoldStatuses.Voided, TransferKinds.VoidPending, TransferCodes.HoldVoid, null);
    }

    /// <summary>Expires the hold if it is still pending and past its expiry; false when there is nothing to do.</summary>
    public async Task<bool> ExpireAsync(string tenantId, Guid holdId, CancellationToken cancellationToken)
    {
        var hold = await holds.LockAsync(tenantId, holdId, cancellationToken);
        var now = clock.Now();
        if (hold is null || hold.Status != HoldStatuses.Pending || hold.ExpiresAt > now)
        {
            return false;
        }
        var accounts = await store.LockAccountsAsync(tenantId, [hold.DebitAccountId, hold.CreditAccountId], cancellationToken);
        PostingRules.VoidPending(accounts[hold.DebitAccountId], accounts[hold.CreditAccountId], hold.Amount);
        Resolve(hold, accounts, HoldStatuses.Expired, TransferKinds.VoidPending, TransferCodes.HoldExpiry, null);
        return true;
    }

    /// <summary>
    /// Locks the hold for another module's resolution (no caller to check: the module owns the hold through its own record).
    /// Returns the hold as it is now — resolved or pending — with its accounts locked when it is pending.
    /// </summary>
    public async Task<(Hold? Hold, Dictionary<Guid, AccountSnapshot>? Accounts)> LockForModuleAsync(
        string tenantId, Guid holdId, CancellationToken cancellationToken)
    {
        var hold = await holds.LockAsync(tenantId, holdId, cancellationToken);
        if (hold is null || hold.Status != HoldStatuses.Pending)
        {
            return (hold, null);
        }
        return (hold, await store.LockAccountsAsync(tenantId, [hold.DebitAccountId, hold.CreditAccountId], cancellationToken));
    }

    /// <summary>Captures all of a pending hold locked by <see cref="LockForModuleAsync"/>.</summary>
    public Hold CaptureLocked(Hold hold, Dictionary<Guid, AccountSnapshot> accounts)
    {
        PostingRules.PostPending(accounts[hold.DebitAccountId], accounts[hold.CreditAccountId], hold.Amount, hold.Amount);
        return Resolve(hold, accounts, HoldStatuses.Captured, TransferKinds.PostPending, TransferCodes.HoldCapture, hold.Amount);
    }

    /// <summary>Voids a pending hold locked by <see cref="LockForModuleAsync"/>.</summary>
    public Hold VoidLocked(Hold hold, Dictionary<Guid, AccountSnapshot> accounts)
    {
        PostingRules.VoidPending(accounts[hold.DebitAccountId], accounts[hold.CreditAccountId], hold.Amount);
        return Resolve(hold, accounts, HoldStatuses.Voided, TransferKinds.VoidPending, TransferCodes.HoldVoid, null);
    }

    private async Task<Outcome<(Hold, AccountSnapshot, AccountSnapshot, Dictionary<Guid, AccountSnapshot>)>> LockForPayeeAsync(
        Caller caller, Guid holdId, CancellationToken cancellationToken)
    {
        var hold = await holds.LockAsync(caller.Tenant, holdId, cancellationToken);
        if (hold is null)
        {
            return Failure.NotFound("hold");
        }
        var accounts = await store.LockAccountsAsync(caller.Tenant, [hold.DebitAccountId, hold.CreditAccountId], cancellationToken);
        var debit = accounts[hold.DebitAccountId];
        var credit = accounts[hold.CreditAccountId];
        if (!caller.ActsForTenant && credit.OwnerId != caller.Subject)
        {
            // The payer sees its hold but may not resolve it; anyone else does not see it at all.
            return debit.OwnerId == caller.Subject
                ? new Failure(403, "forbidden", "Only the payee resolves a hold", "The payee's owner, an operator or a service captures or voids a hold.")
                : Failure.NotFound("hold");
        }
        var status = HoldResponse.EffectiveStatus(hold, clock.Now());
        if (status != HoldStatuses.Pending)
        {
            return LedgerFailures.HoldNotPending(status);
        }
        return (hold, debit, credit, accounts);
    }

    private Hold Resolve(Hold hold, Dictionary<Guid, AccountSnapshot> accounts, string status, string kind, string code, long? captured)
    {
        HoldStatuses.EnsureTransition(hold.Status, status);
        var now = clock.Now();
        var before = HoldResponse.From(hold, now);
        var resolution = new Transfer
        {
            Id = clock.NewId(now),
            TenantId = hold.TenantId,
            DebitAccountId = hold.DebitAccountId,
            CreditAccountId = hold.CreditAccountId,
            Amount = captured ?? hold.Amount,
            Currency = hold.Currency,
            Code = code,
            Kind = kind,
            PendingId = hold.Id,
            CreatedAt = now,
        };
        store.Stage(accounts.Values, [resolution], SqlStatement.Of(
            """
            UPDATE holds SET status = @status, captured_amount = @captured, resolution_transfer_id = @resolution, resolved_at = @now
            WHERE id = @id AND status = 'pending'
            """,
            ("status", status), ("captured", captured), ("resolution", resolution.Id), ("now", now), ("id", hold.Id)));
        hold.Status = status;
        hold.CapturedAmount = captured;
        hold.ResolutionTransferId = resolution.Id;
        hold.ResolvedAt = now;
        audit.Record(hold.TenantId, $"hold.{status}", "hold", hold.Id.ToString(), before, HoldResponse.From(hold, now));
        return hold;
    }
}
