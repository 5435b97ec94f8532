using Coffer.Platform.Paging;
using System.Security.Claims;
using Coffer.Ledger.Statements;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Ledger.Accounts;

internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapPost("/", CreateAccount.Handle).RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service).RequireIdempotency()
            .WithSummary("Open a wallet");
        accounts.MapGet("/", ListAccounts).RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service)
            .WithSummary("List wallets (your own, or a tenant's for operators)");
        accounts.MapGet("/{id:guid}", GetAccount).RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service)
            .WithSummary("Read an account with its balances");
        accounts.MapGet("/{id:guid}/entries", GetEntries).RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Service)
            .WithSummary("The account's statement: posted entries, newest first");
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccount(
        Guid id, ClaimsPrincipal user, AccountQueries queries, HttpContext http, CancellationToken cancellationToken) =>
        await queries.FindAsync(Caller.From(user), id, cancellationToken) is { } account
            ? TypedResults.Ok(AccountResponse.From(account))
            : Failure.NotFound("account").ToProblem(http);

    private static async Task<Results<Ok<Page<AccountResponse>>, ProblemHttpResult>> ListAccounts(
        ClaimsPrincipal user, AccountQueries queries, HttpContext http, CancellationToken cancellationToken,
        string? ownerId = null, string? kind = null, int? limit = null, string? cursor = null)
    {
        var caller = Caller.From(user);
        var errors = new ValidationErrors();
        var pageSize = Page<AccountResponse>.SizeOf(errors, limit);
        kind ??= AccountKinds.Wallet;
        if (kind is not (AccountKinds.Wallet or AccountKinds.System) || (kind == AccountKinds.System && !caller.ActsForTenant))
        {
            errors.Add("kind", "'wallet', or 'system' for operators.");
        }
        if (!Cursor.TryDecode(cursor, out var after))
        {
            errors.Add("cursor", "Not a cursor this API returned.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await queries.ListAsync(caller, ownerId, kind, after, pageSize, cancellationToken);
        return TypedResults.Ok(Page<AccountResponse>.From(rows, pageSize, AccountResponse.From, a => a.Id));
    }

    private static async Task<Results<Ok<Page<StatementEntry>>, ProblemHttpResult>> GetEntries(
        Guid id, ClaimsPrincipal user, AccountQueries accounts, StatementQueries statements, HttpContext http,
        CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var pageSize = Page<StatementEntry>.SizeOf(errors, limit);
        if (!Cursor.TryDecode(cursor, out var before))
        {
            errors.Add("cursor", "Not a cursor this API returned.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        if (await accounts.FindAsync(Caller.From(user), id, cancellationToken) is null)
        {
            return Failure.NotFound("account").ToProblem(http);
        }
        var rows = await statements.PageAsync(id, before, pageSize, cancellationToken);
        var items = rows.Take(pageSize).ToList();
        return TypedResults.Ok(new Page<StatementEntry>(items, rows.Count > pageSize ? Cursor.Encode(items[^1].TransferId) : null));
    }
}
