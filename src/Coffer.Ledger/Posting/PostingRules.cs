using Coffer.Platform.Results;

namespace Coffer.Ledger.Posting;

/// <summary>
/// The four balance effects of the ledger (TigerBeetle's model), applied to locked snapshots.
/// Operating errors (insufficient funds, a balance limit) come back as failures before anything changes;
/// each effect then asserts the invariants it must keep.
/// </summary>
internal static class PostingRules
{
    /// <summary>A posted transfer: debit's posted debits and credit's posted credits grow by the amount.</summary>
    public static Failure? Post(AccountSnapshot debit, AccountSnapshot credit, long amount)
    {
        if (CheckMovement(debit, credit, amount) is { } failure)
        {
            return failure;
        }
        debit.PostedDebits = checked(debit.PostedDebits + amount);
        credit.PostedCredits = checked(credit.PostedCredits + amount);
        AssertInvariants(debit, credit);
        return null;
    }

    /// <summary>A pending transfer (hold): the amount is reserved on both sides until posted or voided.</summary>
    public static Failure? Reserve(AccountSnapshot debit, AccountSnapshot credit, long amount)
    {
        if (CheckMovement(debit, credit, amount) is { } failure)
        {
            return failure;
        }
        debit.PendingDebits = checked(debit.PendingDebits + amount);
        credit.PendingCredits = checked(credit.PendingCredits + amount);
        AssertInvariants(debit, credit);
        return null;
    }

    /// <summary>Posts <paramref name="postAmount"/> of a pending transfer and releases all of its reservation.</summary>
    public static void PostPending(AccountSnapshot debit, AccountSnapshot credit, long pendingAmount, long postAmount)
    {
        if (postAmount <= 0 || postAmount > pendingAmount)
        {
            throw new LedgerInvariantException($"Posting {postAmount} of a pending {pendingAmount} is impossible.");
        }
        Release(debit, credit, pendingAmount);
        debit.PostedDebits = checked(debit.PostedDebits + postAmount);
        credit.PostedCredits = checked(credit.PostedCredits + postAmount);
        AssertInvariants(debit, credit);
    }

    /// <summary>Releases a pending transfer's reservation without moving money.</summary>
    public static void VoidPending(AccountSnapshot debit, AccountSnapshot credit, long pendingAmount)
    {
        Release(debit, credit, pendingAmount);
        AssertInvariants(debit, credit);
    }

    private static void Release(AccountSnapshot debit, AccountSnapshot credit, long pendingAmount)
    {
        if (debit.PendingDebits < pendingAmount || credit.PendingCredits < pendingAmount)
        {
            throw new LedgerInvariantException(
                $"Releasing {pendingAmount} exceeds what is pending on {debit.Id} or {credit.Id}.");
        }
        debit.PendingDebits -= pendingAmount;
        credit.PendingCredits -= pendingAmount;
    }

    private static Failure? CheckMovement(AccountSnapshot debit, AccountSnapshot credit, long amount)
    {
        if (amount <= 0 || debit.Id == credit.Id || debit.Currency != credit.Currency || debit.TenantId != credit.TenantId)
        {
            throw new LedgerInvariantException("A movement needs a positive amount between two accounts of one tenant and currency.");
        }
        if (!debit.AllowNegative && debit.Available < amount)
        {
            return LedgerFailures.InsufficientFunds(debit.Id, debit.Available, amount);
        }
        if (WouldOverflow(debit.PostedDebits, debit.PendingDebits, amount) || WouldOverflow(credit.PostedCredits, credit.PendingCredits, amount))
        {
            return LedgerFailures.BalanceLimitExceeded();
        }
        return null;
    }

    private static bool WouldOverflow(long posted, long pending, long amount) =>
        posted > long.MaxValue - amount || pending > long.MaxValue - amount
        || posted > long.MaxValue - pending - amount;

    private static void AssertInvariants(params AccountSnapshot[] accounts)
    {
        foreach (var account in accounts)
        {
            if (account.PostedDebits < 0 || account.PostedCredits < 0 || account.PendingDebits < 0 || account.PendingCredits < 0)
            {
                throw new LedgerInvariantException($"Account {account.Id} has a negative total.");
            }
            if (!account.AllowNegative && account.Available < 0)
            {
                throw new LedgerInvariantException($"Account {account.Id} would be overdrawn.");
            }
        }
    }
}
