using Coffer.Ledger.Money;
using System.Security.Claims;
using Coffer.Ledger.Accounts;
using Coffer.Ledger.Holds;
using Coffer.Ledger.Observability;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Approvals;
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

    public static async Task<Results<Accepted<WithdrawalAccepted>, Accepted<ApprovalRequired>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, LedgerStore store, RecordClock clock, AuditTrail audit, LedgerMetrics metrics,
        Tokenizer tokenizer, JobQueue jobs, IApprovalGate approvals, IServiceProvider services, HttpContext http,
        CancellationToken cancellationToken)
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
        var (accounts, clearingId) = await LockAsync(store, clock, caller.Tenant, walletId, currency, cancellationToken);
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
        var destination = tokenizer.Tokenize(caller.Tenant, TokenKind, number!);
        // A large withdrawal waits for a quorum of partners (issue 8): only the destination's token travels in the approval,
        // and the funds are held when it executes (ApprovedWithdrawal) — not before, so a rejected request leaves nothing held.
        var approval = await approvals.RequireAsync(new ApprovalAsk(caller.Tenant, ApprovalOperations.WithdrawalLarge, amount, currency,
            new WithdrawalOrder(walletId, amount, currency, destination.Token, destination.Last4), caller.Subject, walletId.ToString()),
            cancellationToken);
        if (approval is not null)
        {
            return TypedResults.Accepted($"/api/v1/approvals/{approval.ApprovalId}", approval);
        }
        var withdrawal = Place(store, clock, audit, jobs, caller.Tenant, accounts, wallet, clearingId,
            new WithdrawalOrder(walletId, amount, currency, destination.Token, destination.Last4), caller.Subject);
        return TypedResults.Accepted($"/api/v1/withdrawals/{withdrawal.Id}",
            new WithdrawalAccepted(withdrawal.Id, withdrawal.JobId, WithdrawalStatuses.Queued));
    }

    /// <summary>The wallet and the tenant's external clearing account of <paramref name="currency"/>, locked.</summary>
    internal static async Task<(Dictionary<Guid, AccountSnapshot> Accounts, Guid ClearingId)> LockAsync(
        LedgerStore store, RecordClock clock, string tenantId, Guid walletId, string currency, CancellationToken cancellationToken)
    {
        var clearingId = SystemAccounts.IdOf(tenantId, currency, SystemAccounts.ExternalClearing);
        var accounts = await store.LockAccountsAsync(tenantId, [walletId, clearingId], cancellationToken,
            LedgerStore.EnsureSystemAccount(tenantId, currency, SystemAccounts.ExternalClearing, clock.Now()));
        return (accounts, clearingId);
    }

    /// <summary>
    /// Holds the funds (already reserved on the locked snapshots by <see cref="PostingRules.Reserve"/>), records the withdrawal and
    /// enqueues its payout, all staged for the open transaction's commit.
    /// </summary>
    internal static Withdrawal Place(
        LedgerStore store, RecordClock clock, AuditTrail audit, JobQueue jobs, string tenantId, Dictionary<Guid, AccountSnapshot> accounts,
        AccountSnapshot wallet, Guid clearingId, WithdrawalOrder order, string requestedBy)
    {
        var now = clock.Now();
        var withdrawalId = clock.NewId(now);
        var hold = CreateHold.Stage(store, clock, now, tenantId, accounts, wallet.Id, clearingId, order.Amount, order.Currency, HoldLifetime,
            $"Withdrawal {withdrawalId}");
        var withdrawal = new Withdrawal
        {
            Id = withdrawalId,
            TenantId = tenantId,
            AccountId = wallet.Id,
            OwnerId = wallet.OwnerId ?? throw new InvalidOperationException($"Wallet {wallet.Id} has no owner."),
            RequestedBy = requestedBy,
            Amount = order.Amount,
            Currency = order.Currency,
            DestinationToken = order.DestinationToken,
            DestinationLast4 = order.DestinationLast4,
            Status = WithdrawalStatuses.Queued,
            HoldId = hold.Id,
            JobId = jobs.Enqueue(tenantId, WithdrawalPayoutJob.JobType, new WithdrawalPayoutJob.Payload(withdrawalId), requestedBy),
            CreatedAt = now,
            UpdatedAt = now,
        };
        store.Session.Defer(Withdrawal.Insert(withdrawal));
        audit.Record(tenantId, "withdrawal.requested", "withdrawal", withdrawalId.ToString(), before: null,
            after: WithdrawalResponse.From(withdrawal));
        return withdrawal;
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
