using System.Security.Claims;
using Coffer.Investments.Observability;
using Coffer.Investments.Products;
using Coffer.Ledger.Contracts;
using Coffer.Ledger.Money;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Investments.Investing;

/// <summary>
/// POST /api/v1/investment/investments: places an investment (<c>pending</c>) of a customer's wallet in an open product.
/// No money moves: the wallet is checked to exist, be the caller's and match the product's currency; funds are checked
/// when the investment is executed.
/// </summary>
internal static class CreateInvestment
{
    public sealed record Request(Guid? ProductId, Guid? AccountId, long? Amount, string? IdempotencyKey = null);

    public static async Task<Results<Created<InvestmentResponse>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, DbSession session, IMoneyMover money, RecordClock clock, AuditTrail audit,
        InvestmentMetrics metrics, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var productId = errors.Required("productId", request.ProductId) ?? Guid.Empty;
        var accountId = errors.Required("accountId", request.AccountId) ?? Guid.Empty;
        var amount = errors.Amount("amount", request.Amount);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var product = (await session.QueryAsync(Product.Find(caller.Tenant, productId), Product.Read, cancellationToken)).SingleOrDefault();
        if (product is null || (product.Status == ProductStatuses.Draft && !caller.ActsForTenant))
        {
            return Failure.NotFound("product").With("field", "productId").ToProblem(http);
        }
        var wallet = await money.FindWalletAsync(caller.Tenant, accountId, cancellationToken);
        if (wallet is null || (!caller.ActsForTenant && wallet.OwnerId != caller.Subject))
        {
            return Failure.NotFound("account").With("field", "accountId").ToProblem(http);
        }
        var refusal = product.Status != ProductStatuses.Open ? InvestmentFailures.ProductNotOpen(product.Status)
            : wallet.Currency != product.Currency ? InvestmentFailures.CurrencyMismatch(product.Currency, wallet.Currency, "accountId")
            : amount < product.MinAmount || amount > product.MaxAmount ? InvestmentFailures.AmountOutOfRange(product.MinAmount, product.MaxAmount)
            : null;
        if (refusal is not null)
        {
            return refusal.ToProblem(http);
        }
        var now = clock.Now();
        var id = clock.NewId(now);
        var investment = new Investment
        {
            Id = id,
            TenantId = caller.Tenant,
            ProductId = product.Id,
            AccountId = wallet.Id,
            OwnerId = wallet.OwnerId,
            Amount = amount,
            Currency = product.Currency,
            Status = InvestmentStatuses.Pending,
            Reference = Investment.ReferenceFor(id),
            CreatedBy = caller.Subject,
            CreatedAt = now,
            UpdatedAt = now,
        };
        session.Defer(Investment.Insert(investment));
        var response = InvestmentResponse.From(investment);
        metrics.OnCommit(session, "created");
        audit.Record(caller.Tenant, "investment.created", "investment", id.ToString(), before: null, after: response);
        return TypedResults.Created($"/api/v1/investment/investments/{id}", response);
    }
}
