using System.Security.Claims;
using Coffer.Investments.Investing;
using Coffer.Investments.Products;
using Coffer.Ledger.Money;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Investments.Dividends;

/// <summary>
/// POST …/investments/{id}/dividends and …/products/{id}/dividends (admins, operators): records the distribution and enqueues
/// job <c>distribute-dividend</c> in one transaction; 202. The reference is unique per tenant: the same dividend cannot be
/// declared twice, whatever idempotency key is used.
/// </summary>
internal static class RequestDividend
{
    public const int MaxReferenceLength = 255;

    public sealed record InvestmentRequest(long? Amount, string? Currency, string? Reference, string? IdempotencyKey = null);

    public sealed record ProductRequest(long? TotalAmount, string? Currency, string? Reference, string? IdempotencyKey = null);

    public static async Task<Results<Accepted<DividendQueued>, ProblemHttpResult>> ToInvestment(
        Guid id, InvestmentRequest request, ClaimsPrincipal user, DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var amount = errors.Amount("amount", request.Amount);
        var currency = errors.Currency("currency", request.Currency);
        var reference = errors.RequiredText("reference", request.Reference, MaxReferenceLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var investment = (await session.QueryAsync(Investment.Find(caller.Tenant, id), Investment.Read, cancellationToken)).SingleOrDefault();
        if (investment is null)
        {
            return Failure.NotFound("investment").ToProblem(http);
        }
        if (investment.Status != InvestmentStatuses.Active)
        {
            return new Failure(422, "investment_not_active", "Investment is not active",
                $"The investment is {investment.Status}; dividends are paid to active investments only.").ToProblem(http);
        }
        if (currency != investment.Currency)
        {
            return InvestmentFailures.CurrencyMismatch(investment.Currency, currency, "currency").ToProblem(http);
        }
        return await QueueAsync(caller, investment.ProductId, investment.Id, amount, currency, reference!, request.IdempotencyKey,
            session, jobs, clock, audit, http, cancellationToken);
    }

    public static async Task<Results<Accepted<DividendQueued>, ProblemHttpResult>> ToProduct(
        Guid id, ProductRequest request, ClaimsPrincipal user, DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var amount = errors.Amount("totalAmount", request.TotalAmount);
        var currency = errors.Currency("currency", request.Currency);
        var reference = errors.RequiredText("reference", request.Reference, MaxReferenceLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var product = (await session.QueryAsync(Product.Find(caller.Tenant, id), Product.Read, cancellationToken)).SingleOrDefault();
        if (product is null)
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        if (currency != product.Currency)
        {
            return InvestmentFailures.CurrencyMismatch(product.Currency, currency, "currency").ToProblem(http);
        }
        if ((await session.QueryAsync(Investment.AnyActiveOf(caller.Tenant, product.Id), r => r.GetInt32(0), cancellationToken)).Count == 0)
        {
            // Checked again by the job, which fails the distribution if the last one was redeemed in between.
            return new Failure(422, "no_active_investments", "No active investments",
                "The product has no active investment to pay a dividend to.").ToProblem(http);
        }
        return await QueueAsync(caller, product.Id, null, amount, currency, reference!, request.IdempotencyKey, session, jobs, clock, audit,
            http, cancellationToken);
    }

    private static async Task<Results<Accepted<DividendQueued>, ProblemHttpResult>> QueueAsync(
        Caller caller, Guid productId, Guid? investmentId, long amount, string currency, string reference, string? bodyKey,
        DbSession session, JobQueue jobs, RecordClock clock, AuditTrail audit, HttpContext http, CancellationToken cancellationToken)
    {
        if ((await session.QueryAsync(DividendDistribution.FindByReference(caller.Tenant, reference), DividendDistribution.Read,
                cancellationToken)).SingleOrDefault() is { } existing)
        {
            return DuplicateReference(existing.Id).ToProblem(http);
        }
        var now = clock.Now();
        var distribution = new DividendDistribution
        {
            Id = clock.NewId(now),
            TenantId = caller.Tenant,
            ProductId = productId,
            InvestmentId = investmentId,
            TotalAmount = amount,
            Currency = currency,
            Reference = reference,
            Status = DistributionStatuses.Queued,
            RequestedBy = caller.Subject,
            CreatedAt = now,
            UpdatedAt = now,
        };
        distribution.JobId = jobs.Enqueue(caller.Tenant, DistributeDividendJob.JobType, new DistributeDividendJob.Payload(distribution.Id),
            caller.Subject);
        try
        {
            // Now, not with COMMIT: a concurrent request may take the reference first, and that is a 409, not a 500.
            await session.ExecuteAsync([DividendDistribution.Insert(distribution)], cancellationToken);
        }
        catch (DbFailureException taken) when (taken.IsUniqueViolationOn("reference"))
        {
            return DuplicateReference(null).ToProblem(http);
        }
        audit.Record(caller.Tenant, "dividend.requested", "dividend_distribution", distribution.Id.ToString(), before: null,
            after: new { distribution.ProductId, distribution.InvestmentId, distribution.TotalAmount, distribution.Currency, distribution.Reference });
        var header = http.Request.Headers[IdempotencySettings.HeaderName].ToString();
        return TypedResults.Accepted($"/api/v1/investment/products/{productId}/dividends/{distribution.Id}",
            new DividendQueued(distribution.JobId, JobStatus.Queued, reference, header.Length > 0 ? header : bodyKey ?? "",
                investmentId is null ? "Distribution queued: paid pro rata over the product's active investments by job distribute-dividend."
                    : "Dividend queued: paid from the product's dividend pool to the investor's wallet by job distribute-dividend.",
                distribution.Id));
    }

    private static Failure DuplicateReference(Guid? existingId)
    {
        var failure = new Failure(409, "duplicate_reference", "Dividend reference already used",
            "A dividend with this reference was already declared in your tenant.");
        return existingId is { } id ? failure.With("existingDistributionId", id) : failure;
    }
}
