using Coffer.Platform.Observability;

namespace Coffer.Ledger.Transfers;

/// <summary>A transfer as clients see it. <c>status</c>: posted, pending or voided.</summary>
internal sealed record TransferResponse(
    Guid Id,
    Guid FromAccountId,
    Guid ToAccountId,
    long Amount,
    string Currency,
    string Code,
    string Status,
    [property: PersonalData] string? Description,
    [property: PersonalData] IReadOnlyDictionary<string, string>? Metadata,
    [property: PersonalData] string? ExternalReference,
    Guid? HoldId,
    Guid? ReversalOf,
    DateTimeOffset CreatedAt)
{
    internal static TransferResponse From(Transfer t) => new(
        t.Id, t.DebitAccountId, t.CreditAccountId, t.Amount, t.Currency, t.Code, StatusOf(t.Kind), t.Description,
        LedgerValidation.ParseMetadata(t.Metadata), t.ExternalReference,
        t.Kind == TransferKinds.Pending ? t.Id : t.PendingId, t.ReversalOf, t.CreatedAt);

    private static string StatusOf(string kind) => kind switch
    {
        TransferKinds.Pending => "pending",
        TransferKinds.VoidPending => "voided",
        _ => "posted",
    };
}
