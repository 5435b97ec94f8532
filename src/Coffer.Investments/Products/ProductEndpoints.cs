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
        products.MapGet("/{id:guid}", Get).RequireRoles(Readers).RequireFeature(InvestmentFlags.ModuleEnabled)
            .WithSummary("One product, with its ETag (the version)");
        products.MapPut("/{id:guid}", UpdateProduct.Handle).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.ModuleEnabled)
            .RequireRateLimit(InvestmentRateLimits.Products).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithSummary("Replace a product's terms (If-Match required: its current ETag); currency and partner are fixed");
        products.MapGet("/{id:guid}/versions", Versions).RequireRoles(Roles.Admin, Roles.Operator)
            .RequireFeature(InvestmentFlags.ModuleEnabled)
            .WithSummary("The product's version history, oldest first: who changed what, when, with before and after");
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
        var after = Cursor.Read(errors, cursor);
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
        if (product is null || (product.Status == ProductStatuses.Draft && !SeesDrafts(caller)))
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        http.Response.Headers.ETag = ProductChanges.ETagOf(product);
        return TypedResults.Ok(ProductResponse.From(product));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> MoveAsync(
        Guid id, string to, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var product = await ProductChanges.LockAsync(session, caller.Tenant, id, cancellationToken);
        if (product is null)
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        if (!ProductStatuses.CanMove(product.Status, to))
        {
            return InvestmentFailures.InvalidTransition("product", product.Status, to).ToProblem(http);
        }
        var changed = product.Copy();
        changed.Status = to;
        ProductChanges.Record(session, audit, clock, caller.Subject, product, changed,
            to == ProductStatuses.Open ? ProductChangeActions.Opened : ProductChangeActions.Closed);
        http.Response.Headers.ETag = ProductChanges.ETagOf(changed);
        return TypedResults.Ok(ProductResponse.From(changed));
    }

    private static async Task<Results<Ok<Page<ProductVersionResponse>>, ProblemHttpResult>> Versions(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<ProductVersionResponse>.SizeOf(errors, limit);
        var after = Cursor.Read(errors, cursor);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var tenant = Caller.From(user).Tenant;
        if ((await session.QueryAsync(Product.Find(tenant, id), Product.Read, cancellationToken)).Count == 0)
        {
            return Failure.NotFound("product").ToProblem(http);
        }
        var rows = await session.QueryAsync(ProductVersion.Page(tenant, id, after, size + 1), ProductVersion.Read, cancellationToken);
        return TypedResults.Ok(Page<ProductVersionResponse>.From(rows, size, ProductVersionResponse.From, v => v.Id));
    }

    private static bool SeesDrafts(Caller caller) => caller.ActsForTenant;
}
