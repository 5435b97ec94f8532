using Coffer.Platform.Observability;
using Coffer.Ledger.Posting;

namespace Coffer.Ledger.Accounts;

/// <summary>
/// An account as clients see it. <c>posted</c> = posted credits − posted debits; <c>pending</c> = pending
/// credits − pending debits; <c>available</c> = posted − pending debits (what can be spent now).
/// </summary>
internal sealed record AccountResponse(
    Guid Id,
    string? OwnerId,
    string Currency,
    [property: PersonalData] string? Name,
    string Kind,
    string? SystemCode,
    AccountBalance Balance,
    AccountTotals Totals,
    DateTimeOffset CreatedAt)
{
    internal static AccountResponse From(AccountSnapshot a) => new(
        a.Id, a.OwnerId, a.Currency, a.Name, a.Kind, a.SystemCode,
        new AccountBalance(
            checked(a.PostedCredits - a.PostedDebits),
            checked(a.PendingCredits - a.PendingDebits),
            checked(a.PostedCredits - a.PostedDebits - a.PendingDebits)),
        new AccountTotals(a.PostedDebits, a.PostedCredits, a.PendingDebits, a.PendingCredits),
        a.CreatedAt);
}

internal sealed record AccountBalance(long Posted, long Pending, long Available);

/// <summary>The four running totals of the double-entry model, for reconciliation by clients.</summary>
internal sealed record AccountTotals(long PostedDebits, long PostedCredits, long PendingDebits, long PendingCredits);
