using Coffer.Platform.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Webhooks;

/// <summary>
/// Forgets webhook receipts after <c>Coffer:Webhooks:ReceiptRetentionDays</c> (30): far beyond any sender's retry window
/// (Standard Webhooks senders give up within days), and beyond the 5-minute signature tolerance that makes an older
/// delivery unacceptable anyway.
/// </summary>
internal sealed partial class WebhookReceiptPurge(
    IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time, ILogger<WebhookReceiptPurge> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private TimeSpan Retention => TimeSpan.FromDays(Math.Max(1, configuration.GetValue("Coffer:Webhooks:ReceiptRetentionDays", 30.0)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogFailed(logger, failure);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        session.Operation = "webhooks.purge";
        await session.BeginAsync(cancellationToken);
        var deleted = await session.CommitAsync([SqlStatement.Tagged("webhooks.purge",
            "DELETE FROM webhook_receipts WHERE received_at < @before", ("before", time.GetUtcNow() - Retention))], cancellationToken);
        if (deleted[0] > 0)
        {
            LogPurged(logger, deleted[0]);
        }
        return deleted[0];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} webhook receipts past their retention")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook receipt purge failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
