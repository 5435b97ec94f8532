namespace Coffer.Investments.Investing;

/// <summary>
/// An investment as its owner, operators and admins read it. <c>reference</c> is what Coffer sent the partner; the partner's
/// own reference appears only as its vault token.
/// </summary>
internal sealed record InvestmentResponse(
    Guid Id, Guid ProductId, Guid AccountId, string OwnerId, long Amount, string Currency, string Status, string Reference,
    string? PartnerReferenceToken, string? FailureReason, Guid? ExecuteJobId, Guid? RedeemJobId, long? ReturnPaid,
    DateTimeOffset? ExecutedAt, DateTimeOffset? RedeemedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static InvestmentResponse From(Investment i) => new(
        i.Id, i.ProductId, i.AccountId, i.OwnerId, i.Amount, i.Currency, i.Status, i.Reference, i.PartnerReferenceToken, i.FailureReason,
        i.ExecuteJobId, i.RedeemJobId, i.ReturnPaid, i.ExecutedAt, i.RedeemedAt, i.CreatedAt, i.UpdatedAt);
}

/// <summary>
/// What execute, redeem and the dividend endpoints answer (202, SEEDS §A): the job doing the work (<c>GET /api/v1/jobs/{jobId}</c>),
/// <c>queued</c>, the reference the outside world sees, and the idempotency key this answer is stored under.
/// </summary>
internal sealed record QueuedWork(Guid JobId, string Status, string ExternalReference, string IdempotencyKey, string Message);
