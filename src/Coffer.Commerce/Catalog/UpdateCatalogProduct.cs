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
/// PUT /api/v1/commerce/products/{id} (admins): replaces a product's name, description and status under <c>If-Match</c> with its
/// current ETag; an illegal status move is 409 <c>invalid_transition</c> (<see cref="CatalogStatuses.CanMove"/>).
/// </summary>
internal static class UpdateCatalogProduct
{
    public sealed record Request(string? Name, string? Description, string? Status, string? IdempotencyKey = null);

    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, CatalogCache cache,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.RequiredText("name", request.Name, CatalogRules.MaxNameLength);
        var description = errors.OptionalText("description", request.Description, CatalogRules.MaxDescriptionLength);
        var status = CatalogRules.Status(errors, "status", errors.RequiredText("status", request.Status, 16));
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
        if (!CatalogStatuses.CanMove(product.Status, status!))
        {
            return CommerceFailures.InvalidTransition("product", product.Status, status!).ToProblem(http);
        }
        var variants = await session.QueryAsync(CatalogVariant.OfProduct(caller.Tenant, id), CatalogVariant.Read, cancellationToken);
        var prices = await session.QueryAsync(VariantPrice.OfProduct(caller.Tenant, id), VariantPrice.Read, cancellationToken);
        var changed = product.Copy();
        (changed.Name, changed.Description, changed.Status) = (name!, description, status!);
        var after = CatalogChanges.Record(session, audit, clock, cache, product, changed, "updated",
            ProductResponse.From(product, variants, prices), c => ProductResponse.From(c, variants, prices));
        http.Response.Headers.ETag = CatalogChanges.ETagOf(changed);
        return TypedResults.Ok(after);
    }
}
