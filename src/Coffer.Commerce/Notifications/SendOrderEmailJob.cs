using Coffer.Commerce.Orders;
using Coffer.Platform.Jobs;
using Coffer.Platform.Protection;

namespace Coffer.Commerce.Notifications;

/// <summary>
/// Job <c>send-order-email</c>: mails the buyer about their order (paid, shipped, cancelled, refunded) at the contact address
/// the checkout tokenized. Queued with the order's change, sent after it committed: however the email provider fares, the
/// order has moved already, and the job retries the mail on its own schedule (one message per order and kind: the reference).
/// </summary>
internal sealed class SendOrderEmailJob(Mailer mailer, Tokenizer tokenizer) : IJobHandler
{
    public const string JobType = "send-order-email";

    public sealed record Payload(Guid OrderId, string Kind);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<Payload>();
        var order = (await job.Session.QueryAsync(Order.Find(job.TenantId, input.OrderId), Order.Read, cancellationToken)).SingleOrDefault()
            ?? throw new PermanentJobException($"Order {input.OrderId} does not exist.");
        var to = order.ContactEmailToken is null
            ? null
            : await tokenizer.DetokenizeAsync(job.TenantId, order.ContactEmailToken, "order email", cancellationToken);
        var (subject, body) = OrderEmail.Compose(order, input.Kind);
        var sent = await mailer.SendAsync($"order:{order.Id}:email:{input.Kind}", to, subject, body, cancellationToken);
        return new { orderId = order.Id, kind = input.Kind, sent = sent.Sent, skipped = sent.SkippedBecause, providerReference = sent.ProviderReference };
    }
}
