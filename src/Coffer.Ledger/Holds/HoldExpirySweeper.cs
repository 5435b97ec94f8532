using Coffer.Platform.Hosting;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Ledger.Holds;

/// <summary>Releases pending holds past their expiry, each in a transaction of its own.</summary>
internal sealed class HoldExpirySweeper(
    IServiceScopeFactory scopes, LedgerSettings settings, TimeProvider timeProvider, ILogger<HoldExpirySweeper> logger)
    : TenantSweeper(scopes, timeProvider, logger)
{
    /// <summary>The sweeper's name as an operation label and audit actor (<c>system:hold-expiry</c>).</summary>
    public const string Name = "hold-expiry";

    public override string WorkerName => Name;

    protected override string ItemKind => "hold";

    protected override TimeSpan Interval => settings.HoldSweepInterval;

    protected override async Task<IReadOnlyList<(string TenantId, Guid Id)>> FindDueAsync(DbSession session, CancellationToken cancellationToken) =>
        (await new HoldQueries(session).ExpiredAsync(Time.GetUtcNow(), settings.HoldSweepBatchSize, cancellationToken))
            .Select(h => (h.TenantId, h.Id)).ToList();

    protected override Task<bool> SettleAsync(IServiceProvider services, string tenantId, Guid id, CancellationToken cancellationToken) =>
        services.GetRequiredService<HoldResolution>().ExpireAsync(tenantId, id, cancellationToken);
}
