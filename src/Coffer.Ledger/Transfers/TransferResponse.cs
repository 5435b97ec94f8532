using System.Data.Common;

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
    string? Description,
    IReadOnlyDictionary<string, string>? Metadata,
    string? ExternalReference,
    Guid? HoldId,
    Guid? ReversalOf,
    DateTimeOffset CreatedAt)
{
    internal const string Columns =
        "t.id, t.debit_account_id, t.credit_account_id, t.amount, t.currency, t.code, t.kind, t.description, t.metadata, "
        + "t.external_reference, t.pending_id, t.reversal_of, t.created_at";

    internal static TransferResponse From(Transfer t) => new(
        t.Id, t.DebitAccountId, t.CreditAccountId, t.Amount, t.Currency, t.Code, StatusOf(t.Kind), t.Description,
        LedgerValidation.ParseMetadata(t.Metadata), t.ExternalReference,
        t.Kind == TransferKinds.Pending ? t.Id : t.PendingId, t.ReversalOf, t.CreatedAt);

    internal static TransferResponse Read(DbDataReader r) => From(new Transfer
    {
        Id = r.GetGuid(0),
        TenantId = "",
        DebitAccountId = r.GetGuid(1),
        CreditAccountId = r.GetGuid(2),
        Amount = r.GetInt64(3),
        Currency = r.GetString(4),
        Code = r.GetString(5),
        Kind = r.GetString(6),
        Description = r.IsDBNull(7) ? null : r.GetString(7),
        Metadata = r.IsDBNull(8) ? null : r.GetString(8),
        ExternalReference = r.IsDBNull(9) ? null : r.GetString(9),
        PendingId = r.IsDBNull(10) ? null : r.GetGuid(10),
        ReversalOf = r.IsDBNull(11) ? null : r.GetGuid(11),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(12),
    });

    private static string StatusOf(string kind) => kind switch
    {
        TransferKinds.Pending => "pending",
        TransferKinds.VoidPending => "voided",
        _ => "posted",
    };
}
