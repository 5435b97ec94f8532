using Coffer.Investments.Observability;
using Coffer.Investments.Partners;
using Coffer.Investments.Products;
using Coffer.Ledger.Contracts;
using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Time;

namespace Coffer.Investments.Investing;

/// <summary>
/// Job <c>redeem-investment</c>: the partner redeems first (if the product has one; idempotent by the investment's reference),
/// then, in one transaction, the principal goes custody → wallet and the accrued return (<see cref="AccruedReturn"/>, up to
/// the moment redemption was requested) goes dividend pool → wallet, and the investment is <c>redeemed</c>. Both movements
/// carry references derived from the investment, so a re-run never pays twice.
/// </summary>
internal sealed class RedeemInvestmentJob(
    InvestmentStore store, IMoneyMover money, PartnerGateway partners, AuditTrail audit, RecordClock clock,
    InvestmentMetrics metrics) : IJobHandler
{
    public const string JobType = "redeem-investment";

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<InvestmentJobPayload>();
        var investment = await store.FindAsync(job.Session, job.TenantId, input.InvestmentId, cancellationToken)
            ?? throw new PermanentJobException($"Investment {input.InvestmentId} does not exist.");
        if (investment.Status != InvestmentStatuses.Redeeming)
        {
            return new { investmentId = investment.Id, status = investment.Status };
        }
        var product = await store.ProductAsync(job.Session, investment, cancellationToken);
        await partners.RedeemAsync(job.TenantId, product, investment, cancellationToken);

        await job.BeginAsync(cancellationToken);
        var locked = await store.LockAsync(job.Session, job.TenantId, investment.Id, cancellationToken);
        if (locked.Status != InvestmentStatuses.Redeeming)
        {
            await job.CompleteAsync(new { investmentId = locked.Id, status = locked.Status }, [], cancellationToken);
            return null;
        }
        // Accrued to the request (the step to redeeming stamped updated_at): a retry a day later pays the same.
        var accrued = AccruedReturn.Of(locked.Amount, product.AnnualRate, product.TermDays,
            locked.ExecutedAt ?? throw new InvalidOperationException($"Active investment {locked.Id} has no execution time."), locked.UpdatedAt);
        var wallet = MoneyAccount.Wallet(locked.AccountId);
        List<MoneyMovement> movements =
        [
            new(ProductAccounts.Custody(product.Id), wallet, locked.Amount, locked.Currency, locked.PrincipalReturnReference,
                InvestmentTransferCodes.Principal, $"Principal of investment {locked.Id}"),
        ];
        if (accrued > 0)
        {
            movements.Add(new(ProductAccounts.DividendPool(product.Id), wallet, accrued, locked.Currency, locked.AccruedReturnReference,
                InvestmentTransferCodes.Return, $"Accrued return of investment {locked.Id}"));
        }
        var paid = await money.MoveAsync(job.TenantId, movements, cancellationToken);
        if (!paid.IsSuccess)
        {
            // System accounts may go negative and the wallet is credited: only a wallet that no longer exists refuses.
            throw new PermanentJobException($"The redemption of investment {locked.Id} was refused by the ledger: {paid.Failure.Code}.");
        }
        var now = clock.Now();
        var redeem = Investment.Redeem(locked, accrued, now);
        (locked.Status, locked.ReturnPaid, locked.RedeemedAt, locked.UpdatedAt) = (InvestmentStatuses.Redeemed, accrued, now, now);
        metrics.OnCommit(job.Session, "redeemed");
        audit.Record(job.TenantId, "investment.redeemed", "investment", locked.Id.ToString(), before: null,
            after: new { investment = InvestmentResponse.From(locked), transfers = paid.Value!.Select(m => m.TransferId) });
        var result = new { investmentId = locked.Id, status = locked.Status, principal = locked.Amount, accruedReturn = accrued };
        await job.CompleteAsync(result, [redeem], cancellationToken);
        return result;
    }
}
