using System.Security.Claims;
using Coffer.Investments.Products;
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

namespace Coffer.Investments.Reserves;

internal static class ReserveEndpoints
{
    public const int MaxRatioDecimals = 6;

    public sealed record PolicyRequest(decimal? Ratio, string? IdempotencyKey = null);

    public static void MapReserveEndpoints(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products/{id:guid}").WithTags("Reserves");
        products.MapPut("/reserve-policy", SetPolicy).RequireRoles(Roles.Admin)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.ModuleEnabled, "id")
            .RequireRateLimit(InvestmentRateLimits.Products)
            .WithSummary("Set the product's reserve policy: the share of outstanding principal held in reserve (a new product version)");
        products.MapPost("/reserves/run", Run).RequireRoles(Roles.Admin, Roles.Operator)
            .RequireIdempotency().RequireFeature(InvestmentFlags.ModuleEnabled, "id").RequireRateLimit(InvestmentRateLimits.Products)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Run the reserves engine on the product now: top up, release (202 when it awaits approval) or nothing");
        products.MapGet("/reserves/runs", Runs).RequireRoles(Roles.Admin, Roles.Operator)
            .RequireFeature(InvestmentFlags.ModuleEnabled, "id").WithSummary("The product's reserves-engine runs, oldest first");
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> SetPolicy(
        Guid id, PolicyRequest request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (errors.Required("ratio", request.Ratio) is { } ratio && (ratio < 0 || ratio > 1 || decimal.Round(ratio, MaxRatioDecimals) != ratio))
        {
            errors.Add("ratio", $"A decimal from 0 to 1 (0.1 = 10 % of outstanding principal) with at most {MaxRatioDecimals} decimals.");
        }
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
        var changed = product.Copy();
        changed.ReserveRatio = request.Ratio;
        ProductChanges.Record(session, audit, clock, caller.Subject, product, changed, ProductChangeActions.ReservePolicySet);
        http.Response.Headers.ETag = ProductChanges.ETagOf(changed);
        return TypedResults.Ok(ProductResponse.From(changed));
    }

    private static async Task<Results<Ok<ReserveRunResponse>, Accepted<ReserveRunResponse>, ProblemHttpResult>> Run(
        Guid id, ClaimsPrincipal user, ReserveEngine engine, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var run = await engine.RunAsync(caller.Tenant, id, caller.Subject, "api", cancellationToken);
        if (!run.IsSuccess)
        {
            return run.Failure.ToProblem(http);
        }
        var response = ReserveRunResponse.From(run.Value);
        return run.Value.Action == ReserveActions.ReleasePending
            ? TypedResults.Accepted($"/api/v1/investment/products/{id}/reserves/runs", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<Page<ReserveRunResponse>>, ProblemHttpResult>> Runs(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<ReserveRunResponse>.SizeOf(errors, limit);
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
        var rows = await session.QueryAsync(ReserveRun.PageOfProduct(tenant, id, after, size + 1), ReserveRun.Read, cancellationToken);
        return TypedResults.Ok(Page<ReserveRunResponse>.From(rows, size, ReserveRunResponse.From, r => r.Id));
    }
}
