using Coffer.Commerce.Orders;
using Coffer.Ledger.Contracts;
using Coffer.Platform.Jobs;

namespace Coffer.Commerce.Payments;

/// <summary>
/// Job <c>capture-wallet-payment</c>, queued by a wallet checkout: under the order's lock, captures the hold on the buyer's wallet
/// to the merchant revenue account and marks the order paid, in one transaction with the job's success. A re-run finds the
/// order paid (or the hold captured) and does nothing more; an order cancelled meanwhile has had its hold voided. A hold the
/// ledger already expired cannot be captured: the order is cancelled (<c>payment_failed</c>) and its stock released.
/// </summary>
internal sealed class CaptureWalletPaymentJob(OrderChanges changes, IMoneyMover money) : IJobHandler
{
    public const string JobType = "capture-wallet-payment";

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<OrderJobPayload>();
        await job.BeginAsync(cancellationToken);
        var order = await changes.LockAsync(job.TenantId, input.OrderId, cancellationToken)
            ?? throw new PermanentJobException($"Order {input.OrderId} does not exist.");
        if (order.Status != OrderStatuses.PendingPayment || order.HoldId is not { } holdId)
        {
            var settled = new { orderId = order.Id, status = order.Status };
            await job.CompleteAsync(settled, [], cancellationToken);
            return settled;
        }
        await changes.LockStockAsync(order, cancellationToken); // inventory before the ledger's accounts, as checkout locks them
        var captured = await money.CaptureHoldAsync(job.TenantId, holdId, cancellationToken);
        var outcome = captured.IsSuccess
            ? await changes.MarkPaidAsync(order, null, cancellationToken)
            : await changes.CancelAsync(order, Order.CancelledPaymentFailed, $"system:{JobType}", cancellationToken);
        if (!outcome.IsSuccess)
        {
            throw new InvalidOperationException($"Order {order.Id} could not settle its wallet payment: {outcome.Failure.Code}.");
        }
        var result = new { orderId = order.Id, status = outcome.Value!.Status, transferId = captured.IsSuccess ? captured.Value!.TransferId : (Guid?)null };
        await job.CompleteAsync(result, [], cancellationToken);
        return result;
    }
}
