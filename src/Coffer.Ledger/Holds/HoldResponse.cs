using System.Data.Common;

namespace Coffer.Ledger.Holds;

/// <summary>
/// A hold as clients see it. A pending hold past its expiry already shows <c>expired</c>, even before
/// the sweeper has released its reservation.
/// </summary>
internal sealed record HoldResponse(
    Guid Id,
    Guid FromAccountId,
    Guid ToAccountId,
    long Amount,
    string Currency,
    string Status,
    long? CapturedAmount,
    Guid? ResolutionTransferId,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt)
{
    internal const string Columns =
        "h.id, h.tenant_id, h.debit_account_id, h.credit_account_id, h.amount, h.currency, h.status, h.captured_amount, "
        + "h.resolution_transfer_id, h.expires_at, h.created_at, h.resolved_at";

    internal static Hold Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        DebitAccountId = r.GetGuid(2),
        CreditAccountId = r.GetGuid(3),
        Amount = r.GetInt64(4),
        Currency = r.GetString(5),
        Status = r.GetString(6),
        CapturedAmount = r.IsDBNull(7) ? null : r.GetInt64(7),
        ResolutionTransferId = r.IsDBNull(8) ? null : r.GetGuid(8),
        ExpiresAt = r.GetFieldValue<DateTimeOffset>(9),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(10),
        ResolvedAt = r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
    };

    internal static HoldResponse From(Hold h, DateTimeOffset now) => new(
        h.Id, h.DebitAccountId, h.CreditAccountId, h.Amount, h.Currency, EffectiveStatus(h, now), h.CapturedAmount,
        h.ResolutionTransferId, h.ExpiresAt, h.CreatedAt, h.ResolvedAt);

    internal static string EffectiveStatus(Hold h, DateTimeOffset now) =>
        h.Status == HoldStatuses.Pending && h.ExpiresAt <= now ? HoldStatuses.Expired : h.Status;
}
