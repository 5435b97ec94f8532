using System.Security.Claims;
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

namespace Coffer.Investments.Investing;

internal static class InvestmentEndpoints
{
    private static readonly string[] Investors = [Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service];

    public static void MapInvestmentEndpoints(this RouteGroupBuilder api)
    {
        var investments = api.MapGroup("/investments").WithTags("Investments");
        investments.MapPost("/", CreateInvestment.Handle).RequireRoles(Investors)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.ModuleEnabled)
            .RequireRateLimit(InvestmentRateLimits.Investments).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Place an investment of a wallet in an open product (pending: no money moves yet)");
        investments.MapGet("/", List).RequireRoles(Investors).RequireFeature(InvestmentFlags.ModuleEnabled)
            .WithSummary("Investments: a customer's own; operators and admins see the tenant's");
        investments.MapGet("/{id:guid}", Get).RequireRoles(Investors).RequireFeature(InvestmentFlags.ModuleEnabled)
            .WithSummary("One investment");
        investments.MapPost("/{id:guid}/execute", QueueInvestmentWork.Execute).RequireRoles(Investors)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.ExecutionEnabled)
            .RequireRateLimit(InvestmentRateLimits.Execute)
            .WithSummary("Queue the execution (202): job execute-investment debits the wallet into custody and calls the partner");
        investments.MapPost("/{id:guid}/redeem", QueueInvestmentWork.Redeem).RequireRoles(Investors)
            .RequireIdempotency(IdempotencyKeySource.HeaderOrBody).RequireFeature(InvestmentFlags.ExecutionEnabled)
            .RequireRateLimit(InvestmentRateLimits.Execute)
            .WithSummary("Queue the redemption (202): job redeem-investment pays principal and accrued return back");
    }

    private static async Task<Results<Ok<Page<InvestmentResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        Guid? productId = null, string? status = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<InvestmentResponse>.SizeOf(errors, limit);
        if (status is not null && !InvestmentStatuses.All.Contains(status))
        {
            errors.Add("status", $"One of: {string.Join(", ", InvestmentStatuses.All)}.");
        }
        var after = Cursor.Read(errors, cursor);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var rows = await session.QueryAsync(
            Investment.Page(caller.Tenant, caller.ActsForTenant ? null : caller.Subject, productId, status, after, size + 1),
            Investment.Read, cancellationToken);
        return TypedResults.Ok(Page<InvestmentResponse>.From(rows, size, InvestmentResponse.From, i => i.Id));
    }

    private static async Task<Results<Ok<InvestmentResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var investment = (await session.QueryAsync(Investment.Find(caller.Tenant, id), Investment.Read, cancellationToken)).SingleOrDefault();
        return investment is not null && (caller.ActsForTenant || investment.OwnerId == caller.Subject)
            ? TypedResults.Ok(InvestmentResponse.From(investment))
            : Failure.NotFound("investment").ToProblem(http);
    }
}
