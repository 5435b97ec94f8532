using System.Security.Claims;
using Coffer.Ledger.Deposits;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Ledger.Transfers;

internal static class TransferEndpoints
{
    public static void MapTransferEndpoints(this RouteGroupBuilder api)
    {
        var transfers = api.MapGroup("/transfers").WithTags("Transfers");
        transfers.MapPost("/", CreateTransfer.Handle).RequireRoles(Roles.Customer, Roles.Operator, Roles.Service).RequireIdempotency()
            .WithSummary("Move money between two accounts");
        transfers.MapPost("/batch", CreateTransferBatch.Handle).RequireRoles(Roles.Customer, Roles.Operator, Roles.Service).RequireIdempotency()
            .WithSummary("Post up to 1000 transfers, all or nothing");
        transfers.MapGet("/{id:guid}", GetTransfer).RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service)
            .WithSummary("Read a transfer");
        transfers.MapPost("/{id:guid}/reversal", ReverseTransfer.Handle).RequireRoles(Roles.Operator).RequireIdempotency()
            .RequireFeature(LedgerFlags.ReversalsEnabled)
            .WithSummary("Reverse a posted transfer, once");

        api.MapPost("/deposits", CreateDeposit.Handle).WithTags("Deposits").RequireRoles(Roles.Operator, Roles.Service).RequireIdempotency()
            .WithSummary("Credit a wallet from the tenant's external clearing account");
    }

    private static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> GetTransfer(
        Guid id, ClaimsPrincipal user, TransferQueries queries, HttpContext http, CancellationToken cancellationToken) =>
        await queries.FindAsync(Caller.From(user), id, cancellationToken) is { } transfer
            ? TypedResults.Ok(transfer)
            : Failure.NotFound("transfer").ToProblem(http);
}
