using Coffer.Investments.Products;
using Coffer.Platform.Hosting;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Investments.Reserves;

/// <summary>
/// Runs the reserves engine over every product with a reserve policy every <see cref="InvestmentSettings.ReserveRunInterval"/>,
/// in worker processes, each product in a transaction of its own. Several workers may overlap: the product's lock makes the
/// second run of a product a counted conflict, never a second movement.
/// </summary>
internal sealed partial class ReserveSweeper(
    IServiceScopeFactory scopes, InvestmentSettings settings, TimeProvider timeProvider, ILogger<ReserveSweeper> logger)
    : TenantSweeper(scopes, timeProvider, logger)
{
    /// <summary>The sweeper's operation label and audit actor (<c>system:reserves</c>).</summary>
    public const string Name = "reserves";

    public override string WorkerName => Name;

    protected override string ItemKind => "product";

    protected override TimeSpan Interval => settings.ReserveRunInterval;

    /// <summary>Up to <see cref="InvestmentSettings.ReserveSweepBatchSize"/> products with a reserve policy.</summary>
    protected override async Task<IReadOnlyList<(string TenantId, Guid Id)>> FindDueAsync(DbSession session, CancellationToken cancellationToken) =>
        await session.QueryAsync(Product.WithReservePolicy(null, settings.ReserveSweepBatchSize), r => (r.GetString(0), r.GetGuid(1)),
            cancellationToken);

    protected override async Task<bool> SettleAsync(IServiceProvider services, string tenantId, Guid id, CancellationToken cancellationToken)
    {
        var run = await services.GetRequiredService<ReserveEngine>().RunAsync(tenantId, id, $"system:{Name}", "schedule", cancellationToken);
        if (!run.IsSuccess)
        {
            LogRunRefused(logger, id, run.Failure!.Code);
        }
        return run.IsSuccess;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reserve run of product {ProductId} did not complete: {Code}")]
    private static partial void LogRunRefused(ILogger logger, Guid productId, string code);
}
