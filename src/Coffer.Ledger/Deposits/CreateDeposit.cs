using Coffer.Ledger.Money;
using Coffer.Ledger.Observability;
using Coffer.Platform.Audit;
using System.Security.Claims;
using Coffer.Ledger.Accounts;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Identity;
using Coffer.Platform.Time;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Ledger.Deposits;

/// <summary>
/// POST /api/v1/deposits (operators, services): money entering the ledger from the tenant's external
/// clearing account into a wallet. The <c>externalReference</c> (the payment rail's id) is unique per tenant.
/// </summary>
internal static class CreateDeposit
{
    public sealed record Request(Guid? AccountId, long? Amount, string? Currency, string? ExternalReference, string? Description = null);

    public static async Task<Results<Created<TransferResponse>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, LedgerStore store, RecordClock clock, AuditTrail audit, LedgerMetrics metrics,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var walletId = errors.Id("accountId", request.AccountId);
        var amount = errors.Amount("amount", request.Amount);
        var currency = errors.Currency("currency", request.Currency);
        var reference = errors.RequiredText("externalReference", request.ExternalReference, 255);
        var description = errors.OptionalText("description", request.Description, LedgerValidation.MaxDescriptionLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var outcome = await DepositAsync(caller, walletId, amount, currency, reference!, description, store, clock, cancellationToken);
        if (!outcome.IsSuccess)
        {
            metrics.Rejected(TransferCodes.Deposit);
            return outcome.Failure.ToProblem(http);
        }
        audit.Record(caller.Tenant, "deposit.created", "transfer", outcome.Value.Id.ToString(), before: null, after: outcome.Value);
        return TypedResults.Created($"/api/v1/transfers/{outcome.Value.Id}", outcome.Value);
    }

    internal static async Task<Outcome<TransferResponse>> DepositAsync(
        Caller caller, Guid walletId, long amount, string currency, string reference, string? description, LedgerStore store,
        RecordClock clock, CancellationToken cancellationToken)
    {
        var now = clock.Now();
        var clearingId = SystemAccounts.IdOf(caller.Tenant, currency, SystemAccounts.ExternalClearing);
        var accounts = await store.LockAccountsAsync(caller.Tenant, [walletId, clearingId], cancellationToken,
            LedgerStore.EnsureSystemAccount(caller.Tenant, currency, SystemAccounts.ExternalClearing, now));
        if (!accounts.TryGetValue(walletId, out var wallet) || !wallet.IsWallet)
        {
            return Failure.NotFound("account").With("field", "accountId");
        }
        if (wallet.Currency != currency)
        {
            return LedgerFailures.CurrencyMismatch(wallet.Currency, currency, "accountId");
        }
        if (await FindByReferenceAsync(store.Session, caller.Tenant, reference, cancellationToken) is { } existing)
        {
            return LedgerFailures.DuplicateExternalReference(existing);
        }
        var clearing = accounts[clearingId];
        if (PostingRules.Post(clearing, wallet, amount) is { } failure)
        {
            return failure;
        }
        var deposit = new Transfer
        {
            Id = clock.NewId(now),
            TenantId = caller.Tenant,
            DebitAccountId = clearingId,
            CreditAccountId = walletId,
            Amount = amount,
            Currency = currency,
            Code = TransferCodes.Deposit,
            Kind = TransferKinds.Posted,
            ExternalReference = reference,
            Description = description,
            CreatedAt = now,
        };
        try
        {
            // Written now, not with COMMIT: a concurrent deposit of another currency may take the reference first.
            await store.WriteNowAsync(accounts.Values, [deposit], cancellationToken);
        }
        catch (DbFailureException violation) when (violation.IsUniqueViolationOn("external_reference"))
        {
            // The transaction is aborted on PostgreSQL, so the winner's id cannot be read here.
            return LedgerFailures.DuplicateExternalReference(null);
        }
        return TransferResponse.From(deposit);
    }

    private static async Task<Guid?> FindByReferenceAsync(DbSession session, string tenantId, string reference, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(SqlStatement.Of(
            "SELECT id FROM transfers WHERE tenant_id = @tenant AND external_reference = @reference",
            ("tenant", tenantId), ("reference", reference)), r => r.GetGuid(0), cancellationToken);
        return rows is [var id] ? id : null;
    }
}
