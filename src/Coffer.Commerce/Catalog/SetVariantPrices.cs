using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Commerce.Catalog;

/// <summary>
/// PUT /api/v1/commerce/products/{id}/variants/{variantId}/prices (admins): replaces a variant's prices under <c>If-Match</c> with
/// the product's current ETag; the product moves to its next version and its cached reads are dropped once committed.
/// </summary>
internal static class SetVariantPrices
{
    public sealed record Request(Dictionary<string, long>? Prices, string? IdempotencyKey = null);

    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Handle(
        Guid id, Guid variantId, Request request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit,
        CatalogCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var prices = CatalogRules.Prices(errors, "prices", request.Prices);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var product = await CatalogChanges.LockAsync(session, caller.Tenant, id, cancellationToken);
        if (product is null)
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        if (CatalogChanges.CheckIfMatch(http.Request.Headers.IfMatch, product) is { } precondition)
        {
            return precondition.ToProblem(http);
        }
        var variants = await session.QueryAsync(CatalogVariant.OfProduct(caller.Tenant, id), CatalogVariant.Read, cancellationToken);
        if (!variants.Any(v => v.Id == variantId))
        {
            return Failure.NotFound("variant").ToProblem(http);
        }
        var current = await session.QueryAsync(VariantPrice.OfProduct(caller.Tenant, id), VariantPrice.Read, cancellationToken);
        var replaced = prices.Select(p => new VariantPrice { TenantId = caller.Tenant, VariantId = variantId, Currency = p.Key, AmountMinor = p.Value })
            .ToList();
        session.Defer(VariantPrice.DeleteOf(caller.Tenant, variantId));
        foreach (var price in replaced)
        {
            session.Defer(VariantPrice.Insert(price));
        }
        var after = CatalogChanges.Record(session, audit, clock, cache, product, product.Copy(), "prices_set",
            ProductResponse.From(product, variants, current),
            changed => ProductResponse.From(changed, variants, [.. current.Where(p => p.VariantId != variantId), .. replaced]));
        http.Response.Headers.ETag = $"\"{after.Version}\"";
        return TypedResults.Ok(after);
    }
}
