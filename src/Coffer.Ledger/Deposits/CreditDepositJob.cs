using Coffer.Ledger.Observability;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Time;

namespace Coffer.Ledger.Deposits;

/// <summary>
/// Job <c>deposit.credit</c>: credits a wallet for a verified payment webhook, once. The deposit's external reference is
/// the provider's payment reference, unique per tenant, so a redelivered event or a re-run attempt finds the first
/// deposit and changes nothing; the deposit and the job's success commit together. A wallet that does not exist (or is
/// in another currency) cannot be fixed by retrying: the job goes dead for an operator to resolve with the provider.
/// </summary>
internal sealed class CreditDepositJob(LedgerStore store, RecordClock clock, AuditTrail audit, LedgerMetrics metrics) : IJobHandler
{
    public const string JobType = "deposit.credit";

    /// <summary>The system identity deposits from webhooks are made as (audited as the job).</summary>
    public const string Subject = "system:payment-webhooks";

    public sealed record Payload(string TenantId, Guid AccountId, long Amount, string Currency, string Reference, string WebhookId);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<Payload>();
        await job.BeginAsync(cancellationToken);
        var caller = new Caller(Subject, input.TenantId, new HashSet<string> { Roles.Service });
        var outcome = await CreateDeposit.DepositAsync(caller, input.AccountId, input.Amount, input.Currency, input.Reference,
            $"Payment {input.Reference}", store, clock, cancellationToken);
        if (outcome.IsSuccess)
        {
            audit.Record(input.TenantId, "deposit.created", "transfer", outcome.Value.Id.ToString(), before: null, after: outcome.Value);
            var credited = new { transferId = outcome.Value.Id, duplicate = false };
            await job.CompleteAsync(credited, [], cancellationToken);
            return credited;
        }
        if (outcome.Failure.Code == "duplicate_external_reference" && outcome.Failure.Extensions.TryGetValue("existingTransferId", out var first))
        {
            var duplicate = new { transferId = first, duplicate = true }; // credited before: by a redelivery or an earlier attempt
            await job.CompleteAsync(duplicate, [], cancellationToken);
            return duplicate;
        }
        metrics.Rejected(TransferCodes.Deposit);
        // Without the first deposit's id the reference raced another transaction: retrying finds it.
        throw outcome.Failure.Code == "duplicate_external_reference"
            ? new InvalidOperationException("The payment reference was taken concurrently; the next attempt settles it.")
            : new PermanentJobException($"{outcome.Failure.Code}: {outcome.Failure.Detail}");
    }
}
