using System.Security.Claims;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Ledger.Holds;

internal static class HoldEndpoints
{
    public sealed record CaptureRequest(long? Amount = null);

    public static void MapHoldEndpoints(this RouteGroupBuilder api)
    {
        var holds = api.MapGroup("/holds").WithTags("Holds");
        holds.MapPost("/", CreateHold.Handle).RequireRoles(Roles.Customer, Roles.Operator, Roles.Service).RequireIdempotency()
            .WithSummary("Reserve funds for a later capture");
        holds.MapGet("/{id:guid}", GetHold).RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service)
            .WithSummary("Read a hold");
        holds.MapPost("/{id:guid}/capture", Capture).RequireRoles(Roles.Customer, Roles.Operator, Roles.Service).RequireIdempotency()
            .WithSummary("Capture all or part of a pending hold; the rest is released");
        holds.MapPost("/{id:guid}/void", Void).RequireRoles(Roles.Customer, Roles.Operator, Roles.Service).RequireIdempotency()
            .WithSummary("Release a pending hold");
    }

    private static async Task<Results<Ok<HoldResponse>, ProblemHttpResult>> GetHold(
        Guid id, ClaimsPrincipal user, HoldQueries queries, TimeProvider timeProvider, HttpContext http, CancellationToken cancellationToken) =>
        await queries.FindAsync(Caller.From(user), id, cancellationToken) is { } hold
            ? TypedResults.Ok(HoldResponse.From(hold, timeProvider.GetUtcNow()))
            : Failure.NotFound("hold").ToProblem(http);

    private static async Task<Results<Ok<HoldResponse>, ProblemHttpResult>> Capture(
        Guid id, CaptureRequest? request, ClaimsPrincipal user, HoldResolution resolution, TimeProvider timeProvider, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (request?.Amount is <= 0 or > Money.Money.MaxAmountMinor)
        {
            return Failure.Validation("amount", "Must be a positive integer in minor units.").ToProblem(http);
        }
        var outcome = await resolution.CaptureAsync(Caller.From(user), id, request?.Amount, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(HoldResponse.From(outcome.Value, timeProvider.GetUtcNow())) : outcome.Failure.ToProblem(http);
    }

    private static async Task<Results<Ok<HoldResponse>, ProblemHttpResult>> Void(
        Guid id, ClaimsPrincipal user, HoldResolution resolution, TimeProvider timeProvider, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await resolution.VoidAsync(Caller.From(user), id, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(HoldResponse.From(outcome.Value, timeProvider.GetUtcNow())) : outcome.Failure.ToProblem(http);
    }
}
