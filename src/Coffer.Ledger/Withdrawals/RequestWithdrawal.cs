using Coffer.Ledger.Money;
using System.Security.Claims;
using Coffer.Ledger.Accounts;
using Coffer.Ledger.Holds;
using Coffer.Ledger.Observability;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Problems;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Ledger.Withdrawals;

/// <summary>
/// POST /api/v1/withdrawals: pays wallet funds out to a bank account. In one transaction: the funds are held (wallet →
/// the tenant's external clearing account), the destination is tokenized, the withdrawal is recorded and its payout job
/// enqueued — so the funds cannot be spent twice, and the payout happens only if all of it committed. 202 at once; the
/// job pays out through the payout provider and captures the hold (paid) or voids it (refused).
/// </summary>
internal static class RequestWithdrawal
{
    public const string TokenKind = "bank_account";

    /// <summary>
    /// How long the funds stay held at most: a payout that cannot be settled by then (a dead job nobody resolved) is released
    /// by hold expiry, so operators must settle dead payouts well within it (docs/withdrawals in docs/jobs.md).
    /// </summary>
    public static readonly TimeSpan HoldLifetime = TimeSpan.FromDays(30);

    public sealed record Destination(string? AccountNumber);

    public sealed record Request(Guid? AccountId, long? Amount, string? Currency, Destination? Destination);

    public static async Task<Results<Accepted<WithdrawalAccepted>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, LedgerStore store, RecordClock clock, AuditTrail audit, LedgerMetrics metrics,
        Tokenizer tokenizer, JobQueue jobs, IServiceProvider services, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var walletId = errors.Id("accountId", request.AccountId);
        var amount = errors.Amount("amount", request.Amount);
        var currency = errors.Currency("currency", request.Currency);
        var number = ValidAccountNumber(errors, request.Destination?.AccountNumber);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        if (services.GetService<IPayoutProvider>() is null)
        {
            return new Failure(503, "payouts_not_configured", "Payouts are not configured",
                "No payout provider is configured (Coffer:Providers:Payouts:BaseUrl); withdrawals cannot be made.").ToProblem(http);
        }
        var caller = Caller.From(user);
        var now = clock.Now();
        var clearingId = SystemAccounts.IdOf(caller.Tenant, currency, SystemAccounts.ExternalClearing);
        var accounts = await store.LockAccountsAsync(caller.Tenant, [walletId, clearingId], cancellationToken,
            LedgerStore.EnsureSystemAccount(caller.Tenant, currency, SystemAccounts.ExternalClearing, now));
        if (!accounts.TryGetValue(walletId, out var wallet) || !wallet.IsWallet || !AccountAccess.CanSee(caller, wallet))
        {
            return Failure.NotFound("account").With("field", "accountId").ToProblem(http);
        }
        var failure = wallet.Currency != currency
            ? LedgerFailures.CurrencyMismatch(wallet.Currency, currency, "accountId")
            : PostingRules.Reserve(wallet, accounts[clearingId], amount);
        if (failure is not null)
        {
            metrics.Rejected(TransferCodes.Hold);
            return failure.ToProblem(http);
        }
        var withdrawalId = clock.NewId(now);
        var hold = CreateHold.Stage(store, clock, now, caller.Tenant, accounts, walletId, clearingId, amount, currency, HoldLifetime,
            $"Withdrawal {withdrawalId}");
        var destination = tokenizer.Tokenize(caller.Tenant, TokenKind, number!);
        var withdrawal = new Withdrawal
        {
            Id = withdrawalId,
            TenantId = caller.Tenant,
            AccountId = walletId,
            OwnerId = wallet.OwnerId ?? throw new InvalidOperationException($"Wallet {walletId} has no owner."),
            RequestedBy = caller.Subject,
            Amount = amount,
            Currency = currency,
            DestinationToken = destination.Token,
            DestinationLast4 = destination.Last4,
            Status = WithdrawalStatuses.Queued,
            HoldId = hold.Id,
            JobId = jobs.Enqueue(caller.Tenant, WithdrawalPayoutJob.JobType, new WithdrawalPayoutJob.Payload(withdrawalId), caller.Subject),
            CreatedAt = now,
            UpdatedAt = now,
        };
        store.Session.Defer(Withdrawal.Insert(withdrawal));
        audit.Record(caller.Tenant, "withdrawal.requested", "withdrawal", withdrawalId.ToString(), before: null,
            after: WithdrawalResponse.From(withdrawal));
        return TypedResults.Accepted($"/api/v1/withdrawals/{withdrawalId}",
            new WithdrawalAccepted(withdrawalId, withdrawal.JobId, WithdrawalStatuses.Queued));
    }

    /// <summary>A bank account number or IBAN (<see cref="AccountNumbers"/>).</summary>
    private static string? ValidAccountNumber(ValidationErrors errors, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add("destination.accountNumber", "Required.");
            return null;
        }
        var number = AccountNumbers.Normalize(value);
        if (number is null)
        {
            errors.Add("destination.accountNumber", AccountNumbers.Rule);
        }
        return number;
    }
}
