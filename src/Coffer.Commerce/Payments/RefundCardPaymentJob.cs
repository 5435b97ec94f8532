using Coffer.Commerce.Orders;
using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Providers;
using Coffer.Platform.Time;

namespace Coffer.Commerce.Payments;

/// <summary>
/// Job <c>refund-card-payment</c>: asks the payment provider to refund a pending card <see cref="Refund"/> (outside any
/// transaction; the refund's reference is the idempotency key, so a retry after a lost answer refunds once), then settles it
/// under the order's lock: <c>succeeded</c> moves the amount into the order's refunded total (a delivered order refunded in
/// full becomes <c>refunded</c>); a provider's refusal marks it <c>failed</c> and frees the amount for another refund.
/// Transient failures and an open circuit are retried on the jobs' schedule.
/// </summary>
internal sealed class RefundCardPaymentJob(OrderChanges changes, AuditTrail audit, RecordClock clock, IPaymentProvider? payments = null)
    : IJobHandler
{
    public const string JobType = "refund-card-payment";

    public sealed record Payload(Guid RefundId);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<Payload>();
        var refund = (await job.Session.QueryAsync(Refund.Find(job.TenantId, input.RefundId), Refund.Read, cancellationToken)).SingleOrDefault()
            ?? throw new PermanentJobException($"Refund {input.RefundId} does not exist.");
        if (refund.Status != Refund.Pending)
        {
            return new { refundId = refund.Id, status = refund.Status };
        }
        var order = (await job.Session.QueryAsync(Order.Find(job.TenantId, refund.OrderId), Order.Read, cancellationToken)).Single();
        var paymentReference = order.PaymentReference
            ?? throw new PermanentJobException($"Order {order.Id} has no card payment to refund.");
        if (payments is null)
        {
            throw new InvalidOperationException("No payment provider is configured (Coffer:Providers:Payments:BaseUrl); the refund waits for one.");
        }
        string status;
        string? providerReference = null;
        try
        {
            var receipt = await payments.RefundAsync(
                new RefundRequest(refund.Reference, paymentReference, refund.AmountMinor, refund.Currency), cancellationToken);
            (status, providerReference) = (Refund.Succeeded, receipt.ProviderReference);
        }
        catch (ProviderException refused) when (!refused.IsRetryable)
        {
            status = Refund.Failed;
        }

        await job.BeginAsync(cancellationToken);
        var locked = await changes.LockAsync(job.TenantId, order.Id, cancellationToken) ?? throw new PermanentJobException($"Order {order.Id} vanished.");
        var current = (await job.Session.QueryAsync(Refund.Find(job.TenantId, refund.Id, job.Session.Provider), Refund.Read, cancellationToken)).Single();
        if (current.Status != Refund.Pending)
        {
            await job.CompleteAsync(new { refundId = refund.Id, status = current.Status }, [], cancellationToken);
            return null;
        }
        var before = RefundResponse.From(current);
        (current.Status, current.ProviderReference, current.CompletedAt) = (status, providerReference, clock.Now());
        job.Session.Defer(Refund.Settle(current));
        audit.Record(job.TenantId, $"refund.{status}", "commerce_refund", refund.Id.ToString(), before, RefundResponse.From(current));
        var settled = changes.SettleCardRefund(locked, current);
        var result = new { refundId = refund.Id, status, orderStatus = settled.Status };
        await job.CompleteAsync(result, [], cancellationToken);
        return result;
    }
}
