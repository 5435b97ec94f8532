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
    internal static HoldResponse From(Hold h, DateTimeOffset now) => new(
        h.Id, h.DebitAccountId, h.CreditAccountId, h.Amount, h.Currency, EffectiveStatus(h, now), h.CapturedAmount,
        h.ResolutionTransferId, h.ExpiresAt, h.CreatedAt, h.ResolvedAt);

    internal static string EffectiveStatus(Hold h, DateTimeOffset now) =>
        h.Status == HoldStatuses.Pending && h.ExpiresAt <= now ? HoldStatuses.Expired : h.Status;
}
