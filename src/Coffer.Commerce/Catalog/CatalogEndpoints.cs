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
            .WithSummary("The tenant's catalog products, oldest first, without their variants");
        products.MapGet("/{id:guid}", Get).RequireRoles(Readers).RequireFeature(CommerceFlags.Enabled)
            .WithSummary("One product with its variants and prices, with its ETag (the version); served from the catalog cache");
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
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await session.QueryAsync(CatalogProduct.Page(Caller.From(user).Tenant, status, after, size + 1), CatalogProduct.Read,
            cancellationToken);
        return TypedResults.Ok(Page<ProductSummary>.From(rows, size, ProductSummary.From, p => p.Id));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, CatalogCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        var tenant = Caller.From(user).Tenant;
        var product = await cache.GetOrLoadAsync(CatalogCache.ProductKey(tenant, id),
            ct => CatalogChanges.LoadAsync(session, tenant, id, ct), cancellationToken);
        if (product is null)
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        http.Response.Headers.ETag = $"\"{product.Version}\"";
        return TypedResults.Ok(product);
    }
}
