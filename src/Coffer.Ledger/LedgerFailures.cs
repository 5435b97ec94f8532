using Coffer.Platform.Results;

namespace Coffer.Ledger;

/// <summary>The ledger's expected failures and their stable codes.</summary>
internal static class LedgerFailures
{
    public static Failure InsufficientFunds(Guid accountId, long available, long requested) =>
        new Failure(422, "insufficient_funds", "Insufficient funds",
            $"The account has {available} available and {requested} was requested.").With("accountId", accountId);

    public static Failure CurrencyMismatch(string expected, string actual, string field) =>
        new Failure(422, "currency_mismatch", "Currency mismatch",
            $"The account of '{field}' holds {expected}, not {actual}.").With("field", field);

    public static Failure AccountNotTransferable(string field) =>
        new Failure(422, "account_not_transferable", "System accounts do not take plain transfers",
            "System accounts move only through their own flows, such as deposits and reversals.").With("field", field);

    public static Failure BalanceLimitExceeded() =>
        new(422, "balance_limit_exceeded", "Balance limit exceeded", "The movement would overflow an account's totals.");

    public static Failure HoldNotPending(string status) =>
        new Failure(422, "hold_not_pending", "Hold is not pending", $"The hold is {status}; only a pending hold can be captured or voided.")
            .With("holdStatus", status);

    public static Failure CaptureExceedsHold(long held) =>
        new(422, "capture_exceeds_hold", "Capture exceeds the hold", $"At most {held} can be captured.");

    public static Failure AlreadyReversed(Guid reversalId) =>
        new Failure(422, "already_reversed", "Transfer already reversed", "A transfer is reversed at most once.")
            .With("reversalId", reversalId);

    public static Failure NotReversible(string reason) =>
        new(422, "not_reversible", "Transfer cannot be reversed", reason);

    public static Failure DuplicateExternalReference(Guid? existingTransferId)
    {
        var failure = new Failure(409, "duplicate_external_reference", "External reference already used",
            "A deposit with this externalReference already exists in your tenant.");
        return existingTransferId is { } id ? failure.With("existingTransferId", id) : failure;
    }
}
