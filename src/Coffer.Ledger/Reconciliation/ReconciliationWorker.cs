using Coffer.Ledger.Observability;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Ledger.Reconciliation;

/// <summary>
/// The recurring reconciliation (every <see cref="LedgerSettings.ReconciliationInterval"/>) and the sampling of the
/// value-held gauge (every <see cref="LedgerSettings.GaugeSampleInterval"/>), in worker processes.
/// Every worker instance reconciles: runs only read, so overlapping runs cost time but never correctness.
/// </summary>
internal sealed partial class ReconciliationWorker(
    IServiceScopeFactory scopes, LedgerSettings settings, LedgerMetrics metrics, TimeProvider timeProvider,
    ILogger<ReconciliationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextReconciliation = timeProvider.GetUtcNow() + settings.ReconciliationFirstDelay;
        using var timer = new PeriodicTimer(settings.GaugeSampleInterval, timeProvider);
        do
        {
            try
            {
                await SampleValueHeldAsync(stoppingToken);
                if (timeProvider.GetUtcNow() >= nextReconciliation)
                {
                    nextReconciliation = timeProvider.GetUtcNow() + settings.ReconciliationInterval;
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<Reconciler>()
                        .RunAsync(ReconciliationTriggers.Schedule, null, stoppingToken);
                }
            }
            catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, failure);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SampleValueHeldAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DbSession>().TenantScope = DbSession.AllTenants; // value held across tenants
        var rows = await scope.ServiceProvider.GetRequiredService<LedgerChecks>().ValueHeldAsync(cancellationToken);
        metrics.SampleValueHeld(rows.Select(r => new LedgerMetrics.ValueHeld(r.Currency, r.State, r.Amount)).ToList());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation worker pass failed; the next tick retries")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
