using Coffer.Investments.Products;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Investments.Reserves;

/// <summary>
/// Runs the reserves engine over every product with a reserve policy every <see cref="InvestmentSettings.ReserveRunInterval"/>,
/// in worker processes, each product in a transaction of its own. Several workers may overlap: the product's lock makes the
/// second run of a product a counted conflict, never a second movement.
/// </summary>
internal sealed partial class ReserveSweeper(
    IServiceScopeFactory scopes, InvestmentSettings settings, TimeProvider timeProvider, ILogger<ReserveSweeper> logger) : BackgroundService
{
    /// <summary>The sweeper's operation label and audit actor (<c>system:reserves</c>).</summary>
    public const string WorkerName = "reserves";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.ReserveRunInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogSweepFailed(logger, failure);
            }
        }
    }

    /// <summary>Runs up to <see cref="InvestmentSettings.ReserveSweepBatchSize"/> products; returns how many runs committed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        List<(string TenantId, Guid Id)> products;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = DbSession.AllTenants; // finds the products of every tenant
            products = await session.QueryAsync(Product.WithReservePolicy(null, settings.ReserveSweepBatchSize),
                r => (r.GetString(0), r.GetGuid(1)), cancellationToken);
        }
        var committed = 0;
        foreach (var (tenantId, id) in products)
        {
            try
            {
                committed += await RunOneAsync(tenantId, id, cancellationToken) ? 1 : 0;
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogRunFailed(logger, failure, id); // one product must not hold up the others
            }
        }
        return committed;
    }

    private async Task<bool> RunOneAsync(string tenantId, Guid productId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.Operation = WorkerName;
        session.TenantScope = tenantId;
        var actor = AuditActor.System(WorkerName);
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = actor;
        await session.BeginAsync(cancellationToken);
        try
        {
            var run = await scope.ServiceProvider.GetRequiredService<ReserveEngine>()
                .RunAsync(tenantId, productId, $"system:{WorkerName}", "schedule", cancellationToken);
            if (!run.IsSuccess)
            {
                LogRunRefused(logger, productId, run.Failure.Code);
                return false;
            }
            await session.CommitAsync([], cancellationToken);
            return true;
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reserve run of product {ProductId} did not complete: {Code}")]
    private static partial void LogRunRefused(ILogger logger, Guid productId, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reserve run of product {ProductId} failed; the next pass retries it")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid productId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reserves sweep failed; will retry at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
