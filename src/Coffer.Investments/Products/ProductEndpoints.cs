using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Investments.Products;

internal static class ProductEndpoints
{
    private static readonly string[] Readers = [Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service];

    public static void MapProductEndpoints(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Investment products");
        products.MapPost("/", CreateProduct.Handle).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.ModuleEnabled)
            .RequireRateLimit(InvestmentRateLimits.Products).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Create an investment product (draft), with its custody, dividend-pool and reserve accounts");
        products.MapGet("/", List).RequireRoles(Readers).RequireFeature(InvestmentFlags.ModuleEnabled)
            .WithSummary("The tenant's products (customers see open and closed ones), oldest first");
        products.MapGet("/{id:guid}", Get).RequireRoles(Readers).RequireFeature(InvestmentFlags.ModuleEnabled).WithSummary("One product");
        products.MapPost("/{id:guid}/open", (Guid id, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit,
                HttpContext http, CancellationToken ct) => MoveAsync(id, ProductStatuses.Open, user, session, clock, audit, http, ct))
            .RequireRoles(Roles.Admin).RequireIdempotency().RequireFeature(InvestmentFlags.ModuleEnabled)
            .RequireRateLimit(InvestmentRateLimits.Products).WithSummary("Open a draft product to investments");
        products.MapPost("/{id:guid}/close", (Guid id, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit,
                HttpContext http, CancellationToken ct) => MoveAsync(id, ProductStatuses.Closed, user, session, clock, audit, http, ct))
            .RequireRoles(Roles.Admin).RequireIdempotency().RequireFeature(InvestmentFlags.ModuleEnabled)
            .RequireRateLimit(InvestmentRateLimits.Products)
            .WithSummary("Close a product to new investments (active ones stay until redeemed)");
    }

    private static async Task<Results<Ok<Page<ProductResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        string? status = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<ProductResponse>.SizeOf(errors, limit);
        if (status is not null && status is not (ProductStatuses.Draft or ProductStatuses.Open or ProductStatuses.Closed))
        {
            errors.Add("status", "One of: draft, open, closed.");
        }
        if (!Cursor.TryDecode(cursor, out var after))
        {
            errors.Add("cursor", "Not a cursor from this list.");
        }
        var caller = Caller.From(user);
        if (!SeesDrafts(caller) && status == ProductStatuses.Draft)
        {
            errors.Add("status", "Draft products are visible to administrators and operators only.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await session.QueryAsync(Product.Page(caller.Tenant, status, excludeDrafts: !SeesDrafts(caller), after, size + 1),
            Product.Read, cancellationToken);
        return TypedResults.Ok(Page<ProductResponse>.From(rows, size, ProductResponse.From, p => p.Id));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var product = (await session.QueryAsync(Product.Find(caller.Tenant, id), Product.Read, cancellationToken)).SingleOrDefault();
        return product is not null && (product.Status != ProductStatuses.Draft || SeesDrafts(caller))
            ? TypedResults.Ok(ProductResponse.From(product))
            : Failure.NotFound("product").ToProblem(http);
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> MoveAsync(
        Guid id, string to, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var product = (await session.QueryAsync(Product.Find(caller.Tenant, id, session.Provider), Product.Read, cancellationToken))
            .SingleOrDefault();
        if (product is null)
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        if (!ProductStatuses.CanMove(product.Status, to))
        {
            return InvestmentFailures.InvalidTransition("product", product.Status, to).ToProblem(http);
        }
        var before = ProductResponse.From(product);
        var now = clock.Now();
        session.Defer(Product.MoveTo(product, to, now));
        (product.Status, product.UpdatedAt) = (to, now);
        var after = ProductResponse.From(product);
        audit.Record(caller.Tenant, $"investment_product.{(to == ProductStatuses.Open ? "opened" : "closed")}", "investment_product",
            id.ToString(), before, after);
        return TypedResults.Ok(after);
    }

    private static bool SeesDrafts(Caller caller) => caller.ActsForTenant;
}
