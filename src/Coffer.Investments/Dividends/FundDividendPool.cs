using System.Security.Claims;
using Coffer.Investments.Products;
using Coffer.Ledger.Accounts;
using Coffer.Ledger.Contracts;
using Coffer.Ledger.Money;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Investments.Dividends;

/// <summary>
/// POST …/products/{id}/dividend-pool/fundings (operators, admins): money the product's issuer paid in (outside Coffer) enters
/// the product's dividend pool from the tenant's external clearing account, like a deposit. The <c>externalReference</c> (the
/// payment rail's id) is unique per tenant across the ledger, so the same payment is never booked twice.
/// </summary>
internal static class FundDividendPool
{
    public sealed record Request(long? Amount, string? Currency, string? ExternalReference, string? IdempotencyKey = null);

    public sealed record Response(Guid TransferId, Guid ProductId, long Amount, string Currency, string ExternalReference, long PoolBalance);

    public static async Task<Results<Created<Response>, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal user, DbSession session, IMoneyMover money, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var amount = errors.Amount("amount", request.Amount);
        var currency = errors.Currency("currency", request.Currency);
        var reference = errors.RequiredText("externalReference", request.ExternalReference, 255);
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
        if (product.Currency != currency)
        {
            return InvestmentFailures.CurrencyMismatch(product.Currency, currency, "currency").ToProblem(http);
        }
        if ((await money.FindPostedAsync(caller.Tenant, [reference!], cancellationToken)).TryGetValue(reference!, out var existing))
        {
            return new Failure(409, "duplicate_external_reference", "External reference already used",
                "A movement with this externalReference already exists in your tenant.").With("existingTransferId", existing).ToProblem(http);
        }
        var moved = await money.MoveAsync(caller.Tenant,
            [new MoneyMovement(MoneyAccount.System(SystemAccounts.ExternalClearing), ProductAccounts.DividendPool(id), amount, currency,
                reference!, InvestmentTransferCodes.PoolFunding, $"Dividend pool funding of product {id}")],
            cancellationToken);
        if (!moved.IsSuccess)
        {
            return moved.Failure.ToProblem(http);
        }
        var pool = ProductAccounts.Code(ProductAccounts.DividendPoolKind, id);
        var balance = await money.SystemBalanceAsync(caller.Tenant, currency, pool, cancellationToken); // the movement is written by now
        var response = new Response(moved.Value![0].TransferId, id, amount, currency, reference!, balance);
        audit.Record(caller.Tenant, "dividend_pool.funded", "investment_product", id.ToString(), before: null, after: response);
        return TypedResults.Created($"/api/v1/transfers/{response.TransferId}", response);
    }
}
