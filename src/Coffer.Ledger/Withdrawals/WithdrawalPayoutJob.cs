using Coffer.Ledger.Holds;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;
using Coffer.Platform.Time;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Ledger.Withdrawals;

/// <summary>
/// Job <c>withdrawal.payout</c>. Pays out through the payout provider with the withdrawal id as the provider's idempotency
/// key (a re-run after a crash asks the provider again and is answered, not paid, twice), outside any transaction; then,
/// in one transaction with the job's success:
/// <list type="bullet">
/// <item>paid → the hold is captured (wallet → external clearing) and the withdrawal is <c>paid</c>;</item>
/// <item>refused by the provider (a permanent answer) → the hold is voided, the funds are available again, <c>failed</c>.</item>
/// </list>
/// A provider that is down, slow or short-circuited is transient: the attempt is retried on schedule and after the last one
/// the job is dead with the hold still held, for an operator to settle (replay once the provider is back).
/// </summary>
internal sealed class WithdrawalPayoutJob(
    HoldResolution holds, Tokenizer tokenizer, AuditTrail audit, RecordClock clock, IServiceProvider services) : IJobHandler
{
    public const string JobType = "withdrawal.payout";

    public sealed record Payload(Guid WithdrawalId);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<Payload>();
        var withdrawal = (await job.Session.QueryAsync(Withdrawal.Find(job.TenantId, input.WithdrawalId), Withdrawal.Read, cancellationToken))
            .SingleOrDefault() ?? throw new PermanentJobException($"Withdrawal {input.WithdrawalId} does not exist.");
        if (withdrawal.Status != WithdrawalStatuses.Queued)
        {
            return new { withdrawal.Status }; // settled by an earlier attempt that lost its lease after committing
        }
        var payouts = services.GetService<IPayoutProvider>()
            ?? throw new InvalidOperationException("No payout provider is configured (Coffer:Providers:Payouts:BaseUrl).");
        var accountNumber = await tokenizer.DetokenizeAsync(job.TenantId, withdrawal.DestinationToken, $"payout of withdrawal {withdrawal.Id}",
            cancellationToken) ?? throw new PermanentJobException($"The destination token of withdrawal {withdrawal.Id} is missing.");

        PayoutReceipt? receipt = null;
        ProviderException? refusal = null;
        try
        {
            receipt = await payouts.PayOutAsync(
                new PayoutRequest(withdrawal.Id.ToString(), withdrawal.Amount, withdrawal.Currency, accountNumber, null), cancellationToken);
        }
        catch (ProviderException failure) when (failure.Kind == ProviderFailureKind.Rejected)
        {
            refusal = failure;
        }

        await job.BeginAsync(cancellationToken);
        var locked = (await job.Session.QueryAsync(Withdrawal.Find(job.TenantId, withdrawal.Id, job.Session.Provider), Withdrawal.Read,
            cancellationToken)).Single();
        if (locked.Status != WithdrawalStatuses.Queued)
        {
            await job.CompleteAsync(new { locked.Status }, [], cancellationToken);
            return null;
        }
        var system = new Caller($"job:{JobType}", job.TenantId, new HashSet<string> { Roles.Service });
        var resolved = receipt is not null
            ? await holds.CaptureAsync(system, withdrawal.HoldId, null, cancellationToken)
            : await holds.VoidAsync(system, withdrawal.HoldId, cancellationToken);
        if (!resolved.IsSuccess)
        {
            // The hold is no longer pending (it expired, or someone resolved it by hand) while the provider has answered:
            // settling is a person's decision, not this job's.
            throw new PermanentJobException(
                $"The hold of withdrawal {withdrawal.Id} could not be {(receipt is null ? "voided" : "captured")}: {resolved.Failure.Code}. "
                + (receipt is null ? "" : $"The provider paid it (reference {receipt.ProviderReference}); settle it by hand."));
        }
        var status = receipt is not null ? WithdrawalStatuses.Paid : WithdrawalStatuses.Failed;
        var reason = refusal is null ? null : $"The payout provider refused the payout: {refusal.ProviderErrorCode ?? refusal.Message}";
        var now = clock.Now();
        var settled = Withdrawal.Settle(withdrawal, status, receipt?.ProviderReference, reason, now);
        withdrawal.Status = status;
        withdrawal.ProviderReference = receipt?.ProviderReference;
        withdrawal.FailureReason = reason;
        withdrawal.UpdatedAt = now;
        audit.Record(job.TenantId, receipt is not null ? "withdrawal.paid" : "withdrawal.failed", "withdrawal", withdrawal.Id.ToString(),
            before: null, after: WithdrawalResponse.From(withdrawal));
        var result = new { withdrawalId = withdrawal.Id, status, providerReference = receipt?.ProviderReference };
        await job.CompleteAsync(result, [settled], cancellationToken);
        return result;
    }
}
