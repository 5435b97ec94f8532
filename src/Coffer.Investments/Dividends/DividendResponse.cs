namespace Coffer.Investments.Dividends;

/// <summary>Payouts of one status: how many and how much.</summary>
internal sealed record PayoutTally(int Count, long Amount);

/// <summary>A distribution with its progress: <c>paid</c>, <c>pending</c> and <c>failed</c> payouts (counts and amounts).</summary>
internal sealed record DividendResponse(
    Guid Id, Guid ProductId, Guid? InvestmentId, long TotalAmount, string Currency, string Reference, string Status, Guid JobId,
    string? FailureReason, PayoutTally Paid, PayoutTally Pending, PayoutTally Failed, DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt)
{
    public static DividendResponse From(DividendDistribution d, IReadOnlyDictionary<string, PayoutTally> tallies) => new(
        d.Id, d.ProductId, d.InvestmentId, d.TotalAmount, d.Currency, d.Reference, d.Status, d.JobId, d.FailureReason,
        tallies.GetValueOrDefault(PayoutStatuses.Paid, new PayoutTally(0, 0)),
        tallies.GetValueOrDefault(PayoutStatuses.Pending, new PayoutTally(0, 0)),
        tallies.GetValueOrDefault(PayoutStatuses.Failed, new PayoutTally(0, 0)),
        d.CreatedAt, d.CompletedAt);
}

/// <summary>What both dividend endpoints answer (202): the SEEDS §A shape, plus the distribution to follow.</summary>
internal sealed record DividendQueued(
    Guid JobId, string Status, string ExternalReference, string IdempotencyKey, string Message, Guid DistributionId);
