using System.Security.Claims;
using Coffer.Investments.Investing;
using Coffer.Investments.Products;
using Coffer.Ledger.Money;
using Coffer.Platform.Approvals;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
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

    public static async Task<Results<Accepted<DividendQueued>, Accepted<ApprovalRequired>, ProblemHttpResult>> ToInvestment(
        Guid id, InvestmentRequest request, ClaimsPrincipal user, DbSession session, DividendDeclaration declaration, IApprovalGate approvals,
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
        return await QueueAsync(caller, new DividendOrder(investment.ProductId, investment.Id, amount, currency, reference!),
            request.IdempotencyKey, session, declaration, approvals, http, cancellationToken);
    }

    public static async Task<Results<Accepted<DividendQueued>, Accepted<ApprovalRequired>, ProblemHttpResult>> ToProduct(
        Guid id, ProductRequest request, ClaimsPrincipal user, DbSession session, DividendDeclaration declaration, IApprovalGate approvals,
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
        return await QueueAsync(caller, new DividendOrder(product.Id, null, amount, currency, reference!), request.IdempotencyKey, session,
            declaration, approvals, http, cancellationToken);
    }

    private static async Task<Results<Accepted<DividendQueued>, Accepted<ApprovalRequired>, ProblemHttpResult>> QueueAsync(
        Caller caller, DividendOrder order, string? bodyKey, DbSession session, DividendDeclaration declaration, IApprovalGate approvals,
        HttpContext http, CancellationToken cancellationToken)
    {
        if ((await session.QueryAsync(DividendDistribution.FindByReference(caller.Tenant, order.Reference), DividendDistribution.Read,
                cancellationToken)).SingleOrDefault() is { } existing)
        {
            return DividendDeclaration.DuplicateReference(existing.Id).ToProblem(http);
        }
        // Above its policy's threshold a dividend waits for a quorum of partners: the approval request is written in this
        // transaction instead, and the distribution is declared when the approval executes (ApprovedDividend).
        var approval = await approvals.RequireAsync(new ApprovalAsk(caller.Tenant, ApprovalOperations.DividendDistribute, order.Amount,
            order.Currency, order, caller.Subject, (order.InvestmentId ?? order.ProductId).ToString()), cancellationToken);
        if (approval is not null)
        {
            return TypedResults.Accepted($"/api/v1/approvals/{approval.ApprovalId}", approval);
        }
        var declared = await declaration.DeclareAsync(caller.Tenant, order, caller.Subject, cancellationToken);
        if (!declared.IsSuccess)
        {
            return declared.Failure.ToProblem(http);
        }
        var distribution = declared.Value!;
        var header = http.Request.Headers[IdempotencySettings.HeaderName].ToString();
        return TypedResults.Accepted($"/api/v1/investment/products/{order.ProductId}/dividends/{distribution.Id}",
            new DividendQueued(distribution.JobId, JobStatus.Queued, order.Reference, header.Length > 0 ? header : bodyKey ?? "",
                order.InvestmentId is null ? "Distribution queued: paid pro rata over the product's active investments by job distribute-dividend."
                    : "Dividend queued: paid from the product's dividend pool to the investor's wallet by job distribute-dividend.",
                distribution.Id));
    }
}
