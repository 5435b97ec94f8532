using Coffer.Investments.Investing;
using Coffer.Investments.Observability;
using Coffer.Investments.Products;
using Coffer.Ledger.Contracts;
using Coffer.Ledger.Money;
using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Time;

namespace Coffer.Investments.Dividends;

/// <summary>
/// Job <c>distribute-dividend</c>, for one investment or a whole product, in steps that each commit on their own:
/// <list type="number">
/// <item>Allocation (once): the investments that share it — the one named, or the product's active ones — and their parts,
/// pro rata by principal with the largest-remainder method, so the parts sum exactly to the total (a part of 0 is not paid).
/// One payout row per investment, unique per (distribution, investment); the distribution becomes <c>running</c>.</item>
/// <item>Payment, <see cref="ChunkSize"/> payouts per transaction: dividend pool → each investor's wallet, with ledger
/// reference <c>dividend:{distribution}:{investment}</c>, and the payouts marked paid in the same commit. A job killed between
/// chunks re-runs from the payouts still pending; the references would refuse a second payment even if it did not.</item>
/// <item>Completion: <c>completed</c>, with the paid, pending and failed tallies as the job's result.</item>
/// </list>
/// </summary>
internal sealed class DistributeDividendJob(
    IMoneyMover money, AuditTrail audit, RecordClock clock, InvestmentSettings settings, InvestmentMetrics metrics) : IJobHandler
{
    public const string JobType = "distribute-dividend";

    public sealed record Payload(Guid DistributionId);

    public string Type => JobType;

    private int ChunkSize => settings.DividendChunkSize;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<Payload>();
        var distribution = (await job.Session.QueryAsync(DividendDistribution.Find(job.TenantId, input.DistributionId),
            DividendDistribution.Read, cancellationToken)).SingleOrDefault()
            ?? throw new PermanentJobException($"Dividend distribution {input.DistributionId} does not exist.");
        if (distribution.Status is DistributionStatuses.Completed or DistributionStatuses.Failed)
        {
            return new { distributionId = distribution.Id, status = distribution.Status };
        }
        if (distribution.Status == DistributionStatuses.Queued && !await AllocateAsync(job, distribution, cancellationToken))
        {
            return null; // nothing to pay: settled as failed
        }
        while (await PayChunkAsync(job, distribution, cancellationToken))
        {
        }
        await job.BeginAsync(cancellationToken);
        var tallies = await DividendProgress.TalliesAsync(job.Session, job.TenantId, distribution.Id, cancellationToken);
        var now = clock.Now();
        distribution.Status = DistributionStatuses.Running; // allocated by now, here or by an earlier attempt
        var complete = DividendDistribution.MoveTo(distribution, DistributionStatuses.Completed, null, now);
        (distribution.Status, distribution.CompletedAt) = (DistributionStatuses.Completed, now);
        var response = DividendResponse.From(distribution, tallies);
        audit.Record(job.TenantId, "dividend.completed", "dividend_distribution", distribution.Id.ToString(), before: null, after: response);
        await job.CompleteAsync(response, [complete], cancellationToken);
        return null;
    }

    /// <summary>Step 1; false when there is no one to pay (the distribution is then failed and the job complete).</summary>
    private async Task<bool> AllocateAsync(JobExecution job, DividendDistribution distribution, CancellationToken cancellationToken)
    {
        await job.BeginAsync(cancellationToken);
        var locked = (await job.Session.QueryAsync(DividendDistribution.Find(job.TenantId, distribution.Id, job.Session.Provider),
            DividendDistribution.Read, cancellationToken)).Single();
        if (locked.Status != DistributionStatuses.Queued)
        {
            await job.Session.CommitAsync([], cancellationToken); // an earlier attempt allocated it (running) or settled it
            return locked.Status == DistributionStatuses.Running;
        }
        var holders = (await job.Session.QueryAsync(Investment.ActiveOf(job.TenantId, distribution.ProductId), Investment.Read, cancellationToken))
            .Where(i => distribution.InvestmentId is null || i.Id == distribution.InvestmentId)
            .ToList();
        var now = clock.Now();
        if (holders.Count == 0)
        {
            var reason = distribution.InvestmentId is null ? "The product has no active investment." : "The investment is no longer active.";
            var fail = DividendDistribution.MoveTo(distribution, DistributionStatuses.Failed, reason, now);
            (distribution.Status, distribution.FailureReason) = (DistributionStatuses.Failed, reason);
            audit.Record(job.TenantId, "dividend.failed", "dividend_distribution", distribution.Id.ToString(), before: null,
                after: new { distribution.Id, reason });
            await job.CompleteAsync(new { distributionId = distribution.Id, status = DistributionStatuses.Failed, reason }, [fail],
                cancellationToken);
            return false;
        }
        var parts = new Money(distribution.TotalAmount, distribution.Currency).Allocate([.. holders.Select(i => i.Amount)]);
        var rows = holders.Zip(parts)
            .Where(pair => pair.Second.AmountMinor > 0)
            .Select(pair => DividendPayout.Insert(new DividendPayout
            {
                Id = clock.NewId(now),
                TenantId = job.TenantId,
                DistributionId = distribution.Id,
                InvestmentId = pair.First.Id,
                AccountId = pair.First.AccountId,
                Amount = pair.Second.AmountMinor,
                Status = PayoutStatuses.Pending,
                UpdatedAt = now,
            }))
            .Append(DividendDistribution.MoveTo(locked, DistributionStatuses.Running, null, now))
            .ToList();
        distribution.Status = DistributionStatuses.Running;
        await job.Session.CommitAsync(rows, cancellationToken);
        return true;
    }

    /// <summary>Step 2, one chunk; false when no payout was left pending.</summary>
    private async Task<bool> PayChunkAsync(JobExecution job, DividendDistribution distribution, CancellationToken cancellationToken)
    {
        await job.BeginAsync(cancellationToken);
        var payouts = await job.Session.QueryAsync(
            DividendPayout.NextPending(job.TenantId, distribution.Id, ChunkSize, job.Session.Provider), DividendPayout.Read, cancellationToken);
        if (payouts.Count == 0)
        {
            await job.Session.RollbackAsync();
            return false;
        }
        var now = clock.Now();
        var pool = ProductAccounts.DividendPool(distribution.ProductId);
        var movements = payouts.Select(p => new MoneyMovement(pool, MoneyAccount.Wallet(p.AccountId), p.Amount, distribution.Currency,
            p.LedgerReference, InvestmentTransferCodes.Dividend, $"Dividend {distribution.Reference}")).ToList();
        var moved = await money.MoveAsync(job.TenantId, movements, cancellationToken);
        if (!moved.IsSuccess)
        {
            // One payout the ledger refuses (its wallet is gone): settle it as failed and pay the rest in the next chunk.
            var reference = moved.Failure.Extensions.GetValueOrDefault("reference") as string;
            var refused = payouts.FirstOrDefault(p => p.LedgerReference == reference)
                ?? throw new InvalidOperationException($"The ledger refused a dividend chunk without naming the payout: {moved.Failure.Code}.");
            metrics.OnCommitFailedPayout(job.Session);
            await job.Session.CommitAsync(
                [DividendPayout.Settle(refused, PayoutStatuses.Failed, null, $"{moved.Failure.Code}: {moved.Failure.Detail}", now)],
                cancellationToken);
            return true;
        }
        var settled = payouts.Zip(moved.Value!).Select(pair => DividendPayout.Settle(pair.First, PayoutStatuses.Paid, pair.Second.TransferId, null, now));
        metrics.OnCommitPaid(job.Session, payouts.Count, payouts.Sum(p => p.Amount), distribution.Currency);
        audit.Record(job.TenantId, "dividend.paid", "dividend_distribution", distribution.Id.ToString(), before: null,
            after: new { payouts = payouts.Count, amount = payouts.Sum(p => p.Amount), distribution.Currency });
        await job.Session.CommitAsync([.. settled], cancellationToken);
        return true;
    }
}
