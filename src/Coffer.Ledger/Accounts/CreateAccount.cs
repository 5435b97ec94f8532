using Coffer.Ledger.Money;
using Coffer.Platform.Audit;
using System.Security.Claims;
using Coffer.Ledger.Posting;
using Coffer.Platform.Identity;
using Coffer.Platform.Time;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Ledger.Accounts;

/// <summary>
/// POST /api/v1/accounts: a wallet in one currency. A customer's wallet is its own; operators and
/// services may open one for any <c>ownerId</c> of their tenant.
/// </summary>
internal static class CreateAccount
{
    public sealed record Request(string? Currency, string? Name = null, string? OwnerId = null);

    public static Results<Created<AccountResponse>, ProblemHttpResult> Handle(
        Request request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http)
    {
        var caller = Caller.From(user);
        var errors = new ValidationErrors();
        var currency = errors.Currency("currency", request.Currency);
        var name = errors.OptionalText("name", request.Name, 100);
        var ownerId = errors.OptionalText("ownerId", request.OwnerId, 255);
        if (ownerId is not null && !caller.ActsForTenant && ownerId != caller.Subject)
        {
            errors.Add("ownerId", "Customers open wallets only for themselves.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var now = clock.Now();
        var wallet = new AccountSnapshot
        {
            Id = clock.NewId(now),
            TenantId = caller.Tenant,
            OwnerId = string.IsNullOrWhiteSpace(ownerId) ? caller.Subject : ownerId,
            Kind = AccountKinds.Wallet,
            Currency = currency,
            Name = name,
            CreatedAt = now,
        };
        session.Defer(LedgerStore.InsertWallet(wallet.Id, wallet.TenantId, wallet.OwnerId, currency, name, now));
        var opened = AccountResponse.From(wallet);
        audit.Record(caller.Tenant, "account.opened", "account", wallet.Id.ToString(), before: null, after: opened);
        return TypedResults.Created($"/api/v1/accounts/{wallet.Id}", opened);
    }
}
