using Coffer.Commerce.Orders;
using Coffer.Platform.Jobs;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;

namespace Coffer.Commerce.Payments;

/// <summary>
/// Job <c>open-card-payment</c>, queued by a card checkout: opens the order's payment intent at the payment provider (outside any
/// transaction; the order's intent reference makes a retry return the same intent), then records the provider's reference and
/// the client secret (tokenized in the vault) on the order. The buyer's client fetches the secret and completes the payment
/// with the provider; the provider's signed webhook confirms it (<see cref="CardPaymentEventJob"/>). A provider that refuses,
/// or fails on the job's last attempt, ends the order: it is cancelled (<c>payment_failed</c>) and its stock released.
/// </summary>
internal sealed class OpenCardPaymentJob(OrderChanges changes, Tokenizer tokenizer, IPaymentProvider? payments = null) : IJobHandler
{
    public const string JobType = "open-card-payment";

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<OrderJobPayload>();
        var order = (await job.Session.QueryAsync(Order.Find(job.TenantId, input.OrderId), Order.Read, cancellationToken)).SingleOrDefault()
            ?? throw new PermanentJobException($"Order {input.OrderId} does not exist.");
        if (order.Status != OrderStatuses.PendingPayment || order.PaymentReference is not null)
        {
            return new { orderId = order.Id, status = order.Status, paymentReference = order.PaymentReference };
        }
        PaymentIntent? intent = null;
        string? failure = null;
        try
        {
            if (payments is null)
            {
                failure = "no payment provider is configured";
            }
            else
            {
                intent = await payments.CreateIntentAsync(
                    new PaymentIntentRequest(order.IntentReference, order.TotalMinor, order.Currency, $"Order {order.Id}"), cancellationToken);
            }
        }
        catch (ProviderException refused) when (!refused.IsRetryable || job.IsLastAttempt)
        {
            failure = refused.ProviderErrorCode ?? refused.Kind.ToString();
        }

        await job.BeginAsync(cancellationToken);
        var locked = await changes.LockAsync(job.TenantId, order.Id, cancellationToken)
            ?? throw new PermanentJobException($"Order {order.Id} vanished.");
        object result;
        if (intent is null)
        {
            // The payment cannot be taken: the order ends and its stock goes back, unless it ended already.
            Coffer.Platform.Results.Outcome<Order> cancelled = locked.Status == OrderStatuses.PendingPayment
                ? await changes.CancelAsync(locked, Order.CancelledPaymentFailed, $"system:{JobType}", cancellationToken)
                : locked;
            result = new { orderId = order.Id, status = cancelled.Value!.Status, failure };
        }
        else
        {
            // Recorded even if the order ended meanwhile: a payment the buyer still completes is then recognised and refunded.
            var secret = intent.ClientSecret is null ? null : tokenizer.Tokenize(job.TenantId, "payment_secret", intent.ClientSecret).Token;
            var opened = changes.Annotate(locked, o => (o.PaymentReference, o.ClientSecretToken) = (intent.ProviderReference, secret),
                "payment.intent_opened");
            result = new { orderId = order.Id, status = opened.Status, paymentReference = intent.ProviderReference };
        }
        await job.CompleteAsync(result, [], cancellationToken);
        return result;
    }
}
