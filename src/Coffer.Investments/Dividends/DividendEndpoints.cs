using System.Security.Claims;
using Coffer.Investments.Products;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Investments.Dividends;

internal static class DividendEndpoints
{
    private static readonly string[] Payers = [Roles.Admin, Roles.Operator];

    public static void MapDividendEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/investments/{id:guid}/dividends", RequestDividend.ToInvestment).WithTags("Dividends").RequireRoles(Payers)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.DividendsEnabled)
            .RequireRateLimit(InvestmentRateLimits.Dividends).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Pay a dividend to one active investment from its product's dividend pool (202, job distribute-dividend)");
        var products = api.MapGroup("/products/{id:guid}/dividends").WithTags("Dividends").RequireRoles(Payers);
        products.MapPost("/", RequestDividend.ToProduct)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.DividendsEnabled, "id")
            .RequireRateLimit(InvestmentRateLimits.Dividends).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Distribute a dividend pro rata over the product's active investments by principal (202)");
        api.MapPost("/products/{id:guid}/dividend-pool/fundings", FundDividendPool.Handle).WithTags("Dividends").RequireRoles(Payers)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.DividendsEnabled, "id")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Book money the issuer paid in: external clearing → the product's dividend pool (201)");
        products.MapGet("/", List).RequireFeature(InvestmentFlags.DividendsEnabled, "id").WithSummary("The product's distributions, oldest first");
        products.MapGet("/{distributionId:guid}", Get).RequireFeature(InvestmentFlags.DividendsEnabled, "id")
            .WithSummary("One distribution and its progress: paid, pending and failed payouts");
    }

    private static async Task<Results<Ok<DividendResponse>, ProblemHttpResult>> Get(
        Guid id, Guid distributionId, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var tenant = Caller.From(user).Tenant;
        var distribution = (await session.QueryAsync(DividendDistribution.Find(tenant, distributionId), DividendDistribution.Read,
            cancellationToken)).SingleOrDefault();
        if (distribution is null || distribution.ProductId != id)
        {
            return Failure.NotFound("dividend distribution").ToProblem(http);
        }
        var tallies = await DividendProgress.TalliesAsync(session, tenant, distributionId, cancellationToken);
        return TypedResults.Ok(DividendResponse.From(distribution, tallies));
    }

    private static async Task<Results<Ok<Page<DividendResponse>>, ProblemHttpResult>> List(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<DividendResponse>.SizeOf(errors, limit);
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
        var rows = await session.QueryAsync(DividendDistribution.PageOfProduct(tenant, id, after, size + 1), DividendDistribution.Read,
            cancellationToken);
        var responses = new Dictionary<Guid, DividendResponse>();
        foreach (var row in rows.Take(size)) // a page is at most 200 distributions: one small tally query each
        {
            responses[row.Id] = DividendResponse.From(row, await DividendProgress.TalliesAsync(session, tenant, row.Id, cancellationToken));
        }
        return TypedResults.Ok(Page<DividendResponse>.From(rows, size, row => responses[row.Id], d => d.Id));
    }
}
