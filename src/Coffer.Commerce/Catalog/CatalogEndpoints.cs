using System.Security.Claims;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Commerce.Catalog;

internal static class CatalogEndpoints
{
    private static readonly string[] Readers = [Roles.Customer, Roles.Operator, Roles.Admin];

    public static void MapCatalogEndpoints(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Commerce catalog");
        products.MapPost("/", CreateCatalogProduct.Handle).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Create a catalog product with its variants (SKU unique per tenant, attributes, a price per currency)");
        products.MapGet("/", List).RequireRoles(Readers).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("The tenant's catalog products (customers see active and archived ones), oldest first, without their variants");
        products.MapGet("/{id:guid}", Get).RequireRoles(Readers).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("One product with its variants and prices, with its ETag (the version); served from the catalog cache (drafts: admins and operators)");
        products.MapPut("/{id:guid}", UpdateCatalogProduct.Handle).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithSummary("Replace a product's name, description and status (If-Match required: its current ETag)");
        products.MapPut("/{id:guid}/variants/{variantId:guid}/prices", SetVariantPrices.Handle).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(CommerceFlags.Enabled)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithSummary("Replace a variant's prices (If-Match required: the product's current ETag)");
    }

    private static async Task<Results<Ok<Page<ProductSummary>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        string? status = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<ProductSummary>.SizeOf(errors, limit);
        CatalogRules.Status(errors, "status", status);
        var after = Cursor.Read(errors, cursor);
        var caller = Caller.From(user);
        if (!caller.ActsForTenant && status == CatalogStatuses.Draft)
        {
            errors.Add("status", "Draft products are visible to administrators and operators only.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await session.QueryAsync(CatalogProduct.Page(caller.Tenant, status, excludeDrafts: !caller.ActsForTenant, after, size + 1),
            CatalogProduct.Read, cancellationToken);
        return TypedResults.Ok(Page<ProductSummary>.From(rows, size, ProductSummary.From, p => p.Id));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, CatalogCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var product = await cache.GetOrLoadAsync(CatalogCache.ProductKey(caller.Tenant, id),
            ct => CatalogChanges.LoadAsync(session, caller.Tenant, id, ct), cancellationToken);
        // A draft is not public yet: customers do not see it (one cache entry serves every role; the check follows it).
        if (product is null || (product.Status == CatalogStatuses.Draft && !caller.ActsForTenant))
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        http.Response.Headers.ETag = $"\"{product.Version}\"";
        return TypedResults.Ok(product);
    }
}
