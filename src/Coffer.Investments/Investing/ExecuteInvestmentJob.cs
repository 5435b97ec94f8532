using Coffer.Investments.Observability;
using Coffer.Investments.Partners;
using Coffer.Investments.Products;
using Coffer.Ledger.Contracts;
using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;
using Coffer.Platform.Time;

namespace Coffer.Investments.Investing;

/// <summary>
/// Job <c>execute-investment</c>. Every step re-reads the investment and does nothing once it has left <c>executing</c>:
/// the idempotency check inside the processor (SEEDS §A).
/// <list type="number">
/// <item>The debit, in its own transaction: wallet → product custody, ledger reference <c>investment:{id}:debit</c> (a re-run
/// finds it posted and moves nothing). Insufficient funds → <c>failed</c>, nothing moved. No partner → <c>active</c> in the
/// same transaction.</item>
/// <item>The partner call, outside any transaction, with the investment's reference as the partner's idempotency key (a re-run
/// asks again and is answered, not placed, twice). A partner that is down, slow or short-circuited is transient: the job
/// retries on schedule, then is dead with the money in custody, replayable. The integrations flag and the partner's
/// suspension are checked before the debit: flag off → transient with nothing moved; suspended → failed with nothing moved.</item>
/// <item>Settlement: accepted → <c>active</c> with the partner's reference tokenized; refused (a permanent answer, or the
/// partner suspended) → the compensation rule: custody → wallet for the full amount (reference
/// <c>investment:{id}:compensation</c>) and <c>failed</c> with the partner's reason, in one transaction.</item>
/// </list>
/// </summary>
internal sealed class ExecuteInvestmentJob(
    InvestmentStore store, IMoneyMover money, PartnerGateway partners, Tokenizer tokenizer, AuditTrail audit, RecordClock clock,
    InvestmentMetrics metrics)
    : IJobHandler
{
    public const string JobType = "execute-investment";
    public const string PartnerReferenceTokenKind = "partner_reference";

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<InvestmentJobPayload>();
        var investment = await store.FindAsync(job.Session, job.TenantId, input.InvestmentId, cancellationToken)
            ?? throw new PermanentJobException($"Investment {input.InvestmentId} does not exist.");
        if (investment.Status != InvestmentStatuses.Executing)
        {
            return Settled(investment); // settled by an earlier attempt that lost its lease after committing
        }
        var product = await store.ProductAsync(job.Session, investment, cancellationToken);
        var debited = await money.FindPostedAsync(job.TenantId, [investment.DebitReference], cancellationToken);
        if (debited.Count == 0)
        {
            // Asked before the debit: a suspended partner fails the investment with nothing moved, and while the integrations
            // flag is off this throws (transient), so the investor's money is not taken to wait in custody.
            var refusal = await partners.RefusalBeforeCallAsync(job.TenantId, product, cancellationToken);
            var settled = await DebitAsync(job, product, investment, refusal, cancellationToken);
            if (settled is not null)
            {
                return settled;
            }
        }
        var answer = await partners.PlaceAsync(job.TenantId, product, investment, cancellationToken);
        await job.BeginAsync(cancellationToken);
        var locked = await store.LockAsync(job.Session, job.TenantId, investment.Id, cancellationToken);
        if (locked.Status != InvestmentStatuses.Executing)
        {
            await job.CompleteAsync(Settled(locked), [], cancellationToken);
            return null;
        }
        var now = clock.Now();
        if (answer.Receipt is { } receipt)
        {
            var token = tokenizer.Tokenize(job.TenantId, PartnerReferenceTokenKind, receipt.PartnerReference).Token;
            var activate = Investment.Activate(locked, token, now);
            (locked.Status, locked.PartnerReferenceToken, locked.ExecutedAt, locked.UpdatedAt) = (InvestmentStatuses.Active, token, now, now);
            metrics.OnCommit(job.Session, "activated");
            audit.Record(job.TenantId, "investment.activated", "investment", locked.Id.ToString(), before: null, after: InvestmentResponse.From(locked));
            await job.CompleteAsync(Settled(locked), [activate], cancellationToken);
            return null;
        }
        var compensation = await money.MoveAsync(job.TenantId,
            [new MoneyMovement(ProductAccounts.Custody(product.Id), MoneyAccount.Wallet(locked.AccountId), locked.Amount, locked.Currency,
                locked.CompensationReference, InvestmentTransferCodes.Compensation, $"Compensation of investment {locked.Id}")],
            cancellationToken);
        if (!compensation.IsSuccess)
        {
            throw new InvalidOperationException($"The compensation of investment {locked.Id} was refused: {compensation.Failure.Code}.");
        }
        var fail = Investment.Fail(locked, answer.Refusal!, now);
        (locked.Status, locked.FailureReason, locked.UpdatedAt) = (InvestmentStatuses.Failed, answer.Refusal, now);
        metrics.OnCommit(job.Session, "failed");
        audit.Record(job.TenantId, "investment.failed", "investment", locked.Id.ToString(), before: null,
            after: new { investment = InvestmentResponse.From(locked), compensationTransferId = compensation.Value![0].TransferId });
        await job.CompleteAsync(Settled(locked), [fail], cancellationToken);
        return null;
    }

    /// <summary>
    /// Step 1. Returns the job's result when the execution is settled here (failed for funds, or active without a partner),
    /// null when the debit committed and the partner is to be called.
    /// </summary>
    private async Task<object?> DebitAsync(
        JobExecution job, Product product, Investment investment, string? partnerRefusal, CancellationToken cancellationToken)
    {
        await job.BeginAsync(cancellationToken);
        var locked = await store.LockAsync(job.Session, job.TenantId, investment.Id, cancellationToken);
        if (locked.Status != InvestmentStatuses.Executing)
        {
            await job.CompleteAsync(Settled(locked), [], cancellationToken);
            return Settled(locked);
        }
        var now = clock.Now();
        if (partnerRefusal is not null)
        {
            var refused = Investment.Fail(locked, partnerRefusal, now);
            (locked.Status, locked.FailureReason, locked.UpdatedAt) = (InvestmentStatuses.Failed, partnerRefusal, now);
            metrics.OnCommit(job.Session, "failed");
        audit.Record(job.TenantId, "investment.failed", "investment", locked.Id.ToString(), before: null, after: InvestmentResponse.From(locked));
            await job.CompleteAsync(Settled(locked), [refused], cancellationToken);
            return Settled(locked);
        }
        var debit = await money.MoveAsync(job.TenantId,
            [new MoneyMovement(MoneyAccount.Wallet(locked.AccountId), ProductAccounts.Custody(product.Id), locked.Amount, locked.Currency,
                locked.DebitReference, InvestmentTransferCodes.Investment, $"Investment {locked.Id} in {product.Name}")],
            cancellationToken);
        if (!debit.IsSuccess)
        {
            var reason = $"The wallet could not be debited: {debit.Failure.Code} ({debit.Failure.Detail})";
            var fail = Investment.Fail(locked, reason, now);
            (locked.Status, locked.FailureReason, locked.UpdatedAt) = (InvestmentStatuses.Failed, reason, now);
            metrics.OnCommit(job.Session, "failed");
        audit.Record(job.TenantId, "investment.failed", "investment", locked.Id.ToString(), before: null, after: InvestmentResponse.From(locked));
            await job.CompleteAsync(Settled(locked), [fail], cancellationToken);
            return Settled(locked);
        }
        if (product.PartnerId is null)
        {
            var activate = Investment.Activate(locked, null, now);
            (locked.Status, locked.ExecutedAt, locked.UpdatedAt) = (InvestmentStatuses.Active, now, now);
            metrics.OnCommit(job.Session, "activated");
            audit.Record(job.TenantId, "investment.activated", "investment", locked.Id.ToString(), before: null,
                after: new { investment = InvestmentResponse.From(locked), debitTransferId = debit.Value![0].TransferId });
            await job.CompleteAsync(Settled(locked), [activate], cancellationToken);
            return Settled(locked);
        }
        audit.Record(job.TenantId, "investment.debited", "investment", locked.Id.ToString(), before: null,
            after: new { debitTransferId = debit.Value![0].TransferId, locked.Amount, locked.Currency });
        await job.Session.CommitAsync([], cancellationToken); // the debit stands; the job goes on to the partner
        return null;
    }

    private static object Settled(Investment i) => new { investmentId = i.Id, status = i.Status, failureReason = i.FailureReason };
}
