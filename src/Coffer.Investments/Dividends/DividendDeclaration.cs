using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Platform.Time;

namespace Coffer.Investments.Dividends;

/// <summary>A dividend as declared: what an approval request carries, and what its execution declares.</summary>
internal sealed record DividendOrder(Guid ProductId, Guid? InvestmentId, long Amount, string Currency, string Reference);

/// <summary>
/// Declares a dividend in the open transaction: the distribution row (its reference unique per tenant) and its job
/// <c>distribute-dividend</c>. Used by the endpoints, and by <see cref="ApprovedDividend"/> once a quorum approved one.
/// </summary>
internal sealed class DividendDeclaration(DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit)
{
    public async Task<Outcome<DividendDistribution>> DeclareAsync(
        string tenantId, DividendOrder order, string requestedBy, CancellationToken cancellationToken)
    {
        var now = clock.Now();
        var distribution = new DividendDistribution
        {
            Id = clock.NewId(now),
            TenantId = tenantId,
            ProductId = order.ProductId,
            InvestmentId = order.InvestmentId,
            TotalAmount = order.Amount,
            Currency = order.Currency,
            Reference = order.Reference,
            Status = DistributionStatuses.Queued,
            RequestedBy = requestedBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
        distribution.JobId = jobs.Enqueue(tenantId, DistributeDividendJob.JobType, new DistributeDividendJob.Payload(distribution.Id),
            requestedBy);
        try
        {
            // Now, not with COMMIT: a concurrent request may take the reference first, and that is a 409, not a 500.
            await session.ExecuteAsync([DividendDistribution.Insert(distribution)], cancellationToken);
        }
        catch (DbFailureException taken) when (taken.IsUniqueViolationOn("reference"))
        {
            return DuplicateReference(null);
        }
        audit.Record(tenantId, "dividend.requested", "dividend_distribution", distribution.Id.ToString(), before: null,
            after: new { distribution.ProductId, distribution.InvestmentId, distribution.TotalAmount, distribution.Currency, distribution.Reference });
        return distribution;
    }

    public static Failure DuplicateReference(Guid? existingId)
    {
        var failure = new Failure(409, "duplicate_reference", "Dividend reference already used",
            "A dividend with this reference was already declared in your tenant.");
        return existingId is { } id ? failure.With("existingDistributionId", id) : failure;
    }
}
