using System.Security.Claims;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Ledger.Withdrawals;

internal static class WithdrawalEndpoints
{
    public static void MapWithdrawalEndpoints(this RouteGroupBuilder api)
    {
        var withdrawals = api.MapGroup("/withdrawals").WithTags("Withdrawals");
        withdrawals.MapPost("/", RequestWithdrawal.Handle).RequireRoles(Roles.Customer, Roles.Operator, Roles.Service).RequireIdempotency()
            .RequireFeature(LedgerFlags.WithdrawalsEnabled)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Pay wallet funds out to a bank account: held at once, paid out by a job (202)");
        withdrawals.MapGet("/{id:guid}", Get).RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service)
            .WithSummary("A withdrawal: status, the destination's token and last four digits, the payout job");
    }

    private static async Task<Results<Ok<WithdrawalResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var withdrawal = (await session.QueryAsync(Withdrawal.Find(caller.Tenant, id), Withdrawal.Read, cancellationToken)).SingleOrDefault();
        return withdrawal is not null && (caller.ActsForTenant || withdrawal.OwnerId == caller.Subject)
            ? TypedResults.Ok(WithdrawalResponse.From(withdrawal))
            : Failure.NotFound("withdrawal").ToProblem(http);
    }
}
