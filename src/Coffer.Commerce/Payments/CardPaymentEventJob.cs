using Coffer.Commerce.Orders;
using Coffer.Platform.Jobs;

namespace Coffer.Commerce.Payments;

/// <summary>
/// Job <c>card-payment-event</c>: what the payment provider's verified webhook said about an order's intent
/// (<see cref="CardPaymentEvents"/>), applied under the order's lock. Succeeded: a <c>pending_payment</c> order becomes paid;
/// one already paid (a replay, or a second delivery under a new webhook id) is left alone — a payment is applied once; one that
/// ended unpaid (cancelled, expired) gets the money back by a queued refund. Failed: a <c>pending_payment</c> order is cancelled
/// (<c>payment_failed</c>) and its stock released. An amount or currency other than the order's is a provider fault that no
/// retry fixes: the job goes dead for a person to look at.
/// </summary>
internal sealed class CardPaymentEventJob(OrderChanges changes) : IJobHandler
{
    public const string JobType = "card-payment-event";

    /// <param name="Succeeded">True for <c>payment_intent.succeeded</c>, false for <c>payment_intent.payment_failed</c>.</param>
    public sealed record Payload(Guid OrderId, bool Succeeded, string PaymentReference, long Amount, string Currency, string WebhookId);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<Payload>();
        await job.BeginAsync(cancellationToken);
        var order = await changes.LockAsync(job.TenantId, input.OrderId, cancellationToken)
            ?? throw new PermanentJobException($"Order {input.OrderId} does not exist.");
        if (order.PaymentMethod != Order.Card)
        {
            throw new PermanentJobException($"Order {order.Id} is not paid by card.");
        }
        if (order.PaymentReference is { } known && known != input.PaymentReference)
        {
            throw new PermanentJobException($"Order {order.Id} has intent {known}, the event names {input.PaymentReference}.");
        }
        if (input.Succeeded && (input.Amount != order.TotalMinor || input.Currency != order.Currency))
        {
            throw new PermanentJobException(
                $"Order {order.Id} totals {order.TotalMinor} {order.Currency}; the provider reports {input.Amount} {input.Currency}.");
        }
        string outcome;
        if (!input.Succeeded)
        {
            outcome = order.Status == OrderStatuses.PendingPayment
                ? (await changes.CancelAsync(order, Order.CancelledPaymentFailed, $"system:{JobType}", cancellationToken)).Value!.Status
                : "ignored";
        }
        else if (order.Status == OrderStatuses.PendingPayment)
        {
            var paid = await changes.MarkPaidAsync(order, input.PaymentReference, cancellationToken);
            outcome = paid.IsSuccess ? paid.Value!.Status : throw new InvalidOperationException($"Order {order.Id}: {paid.Failure!.Code}.");
        }
        else if (order.PaidAt is null)
        {
            outcome = await changes.RefundLatePaymentAsync(order, input.Amount, input.PaymentReference, cancellationToken) is null
                ? "late_payment_already_refunded" : "late_payment_refund_queued";
        }
        else
        {
            outcome = "already_paid";
        }
        var result = new { orderId = order.Id, outcome };
        await job.CompleteAsync(result, [], cancellationToken);
        return result;
    }
}
