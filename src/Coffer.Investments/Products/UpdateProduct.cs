using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Investments.Products;

/// <summary>
/// PUT /api/v1/investment/products/{id} (admins): replaces a product's terms — name, amounts, expected return, risk, term — under
/// <c>If-Match</c> with its current ETag, as its next version. Currency and partner are fixed for the product's life: investments
/// and the ledger accounts are in that currency, and the partner holds the product's orders.
/// </summary>
internal static class UpdateProduct
{
    public sealed record Request(
        string? Name, long? MinAmount, long? MaxAmount, decimal? ExpectedAnnualReturn, string? RiskLevel, int? TermDays,
        string? IdempotencyKey = null);

    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var terms = CreateProduct.ValidateTerms(errors, new CreateProduct.Terms(request.Name, request.MinAmount, request.MaxAmount,
            request.ExpectedAnnualReturn, request.RiskLevel, request.TermDays));
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var product = await ProductChanges.LockAsync(session, caller.Tenant, id, cancellationToken);
        if (product is null)
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        if (ProductChanges.CheckIfMatch(http.Request.Headers.IfMatch, product) is { } precondition)
        {
            return precondition.ToProblem(http);
        }
        var changed = product.Copy();
        (changed.Name, changed.MinAmount, changed.MaxAmount, changed.AnnualRate, changed.RiskLevel, changed.TermDays) =
            (terms.Name, terms.MinAmount, terms.MaxAmount, terms.AnnualRate, terms.RiskLevel, terms.TermDays);
        ProductChanges.Record(session, audit, clock, caller.Subject, product, changed, ProductChangeActions.Updated);
        http.Response.Headers.ETag = ProductChanges.ETagOf(changed);
        return TypedResults.Ok(ProductResponse.From(changed));
    }
}
