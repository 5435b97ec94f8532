using Coffer.Commerce.Notifications;
using Coffer.Platform.Jobs;
using Coffer.Platform.Time;

namespace Coffer.Commerce.Inventory;

/// <summary>
/// Job <c>send-stock-alert</c>: mails a pending <see cref="StockAlert"/> to <c>Coffer:Commerce:StockAlertEmail</c> through the
/// email provider (its breaker and retries), then marks it sent. While the provider fails the job is retried on the jobs'
/// schedule and the alert stays pending; the message's reference is the alert's, so a retry after a lost answer does not
/// mail twice. Without a recipient or an email provider the alert is settled as skipped, with the reason.
/// </summary>
internal sealed class SendStockAlertJob(CommerceSettings settings, Mailer mailer, RecordClock clock) : IJobHandler
{
    public const string JobType = "send-stock-alert";

    public sealed record Payload(Guid AlertId);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<Payload>();
        var alert = (await job.Session.QueryAsync(StockAlert.Find(job.TenantId, input.AlertId), StockAlert.Read, cancellationToken))
            .SingleOrDefault() ?? throw new PermanentJobException($"Stock alert {input.AlertId} does not exist.");
        if (alert.Status != StockAlert.Pending)
        {
            return new { alertId = alert.Id, status = alert.Status };
        }
        var sent = await mailer.SendAsync($"stock-alert:{alert.Id}", settings.StockAlertEmail,
            $"Low stock: {alert.Sku}",
            $"Variant {alert.Sku} ({alert.VariantId}) has {alert.Available} available, at or below its threshold of {alert.Threshold}.",
            cancellationToken);
        await job.BeginAsync(cancellationToken);
        var status = sent.Sent ? StockAlert.Sent : StockAlert.Skipped;
        var result = new { alertId = alert.Id, status, detail = sent.SkippedBecause };
        await job.CompleteAsync(result, [StockAlert.Settle(job.TenantId, alert.Id, status, sent.SkippedBecause, clock.Now())], cancellationToken);
        return result;
    }
}
