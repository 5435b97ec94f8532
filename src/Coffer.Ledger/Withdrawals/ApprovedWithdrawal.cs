using System.Text.Json;
using Coffer.Ledger.Observability;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Time;

namespace Coffer.Ledger.Withdrawals;

/// <summary>A withdrawal as asked: what a <c>withdrawal.large</c> approval carries (the destination only as its token).</summary>
internal sealed record WithdrawalOrder(Guid AccountId, long Amount, string Currency, string DestinationToken, string? DestinationLast4);

/// <summary>
/// Executes an approved <c>withdrawal.large</c> in the approval's execution transaction: the funds are held and the payout
/// queued exactly as for a withdrawal below the threshold. Funds spent while the approval waited are answered in the
/// approval's result (<c>insufficient_funds</c>), with nothing held.
/// </summary>
internal sealed class ApprovedWithdrawal(LedgerStore store, RecordClock clock, AuditTrail audit, JobQueue jobs, LedgerMetrics metrics)
    : IApprovedOperation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Operation => ApprovalOperations.WithdrawalLarge;

    public async Task<object?> ExecuteAsync(ApprovedOperation approved, CancellationToken cancellationToken)
    {
        var order = approved.Payload.Deserialize<WithdrawalOrder>(Json)
            ?? throw new InvalidOperationException($"Approval {approved.ApprovalId} carries no withdrawal.");
        var (accounts, clearingId) = await RequestWithdrawal.LockAsync(store, clock, approved.TenantId, order.AccountId, order.Currency,
            cancellationToken);
        if (!accounts.TryGetValue(order.AccountId, out var wallet) || !wallet.IsWallet)
        {
            return new { refused = "not_found", accountId = order.AccountId };
        }
        var failure = wallet.Currency != order.Currency
            ? LedgerFailures.CurrencyMismatch(wallet.Currency, order.Currency, "accountId")
            : PostingRules.Reserve(wallet, accounts[clearingId], order.Amount);
        if (failure is not null)
        {
            metrics.Rejected(TransferCodes.Hold);
            return new { refused = failure.Code, detail = failure.Detail };
        }
        var withdrawal = RequestWithdrawal.Place(store, clock, audit, jobs, approved.TenantId, accounts, wallet, clearingId, order,
            approved.RequestedBy);
        return new { withdrawalId = withdrawal.Id, jobId = withdrawal.JobId };
    }
}
