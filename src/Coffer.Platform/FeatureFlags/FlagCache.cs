using System.Collections.Concurrent;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// The process's copy of every flag: an immutable <see cref="FlagSnapshot"/> replaced whole on each reload (by the
/// <see cref="FlagRefresher"/>, on a change notice from Redis, or after this instance changed a flag). Until the first
/// load succeeds there is no snapshot, and evaluation loads one first; a load that fails leaves the last snapshot in
/// place. Each reload records, for every flag that changed, how long the change took to arrive
/// (<c>coffer_flag_propagation_seconds</c>).
/// </summary>
public sealed partial class FlagCache
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly PlatformMetrics _metrics;
    private readonly ILogger<FlagCache> _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _reportedMissing = new(StringComparer.Ordinal);
    private volatile FlagSnapshot? _current;

    public FlagCache(IServiceScopeFactory scopes, TimeProvider time, PlatformMetrics metrics, ILogger<FlagCache> logger)
    {
        _scopes = scopes;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveKillSwitches(() => (_current ?? FlagSnapshot.Empty).Flags.Select(f => (f.Key, f.KillSwitch)));
    }

    /// <summary>The last snapshot loaded, or null before the first load.</summary>
    public FlagSnapshot? Current => _current;

    public async ValueTask<FlagSnapshot> GetAsync(CancellationToken cancellationToken) =>
        _current ?? await ReloadAsync(null, cancellationToken);

    /// <summary>
    /// Reads every flag again. <paramref name="noticedChangeAt"/> is when a change this reload answers was made, if known
    /// (a deleted flag has no row left to say so).
    /// </summary>
    public async Task<FlagSnapshot> ReloadAsync(DateTimeOffset? noticedChangeAt, CancellationToken cancellationToken)
    {
        await _reloadGate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = DbSession.AllTenants;
            session.Operation = "flags.reload";
            var flags = await session.QueryAsync(FlagStore.All(), FlagStore.Read, cancellationToken);
            var now = _time.GetUtcNow();
            var next = new FlagSnapshot(flags, now);
            if (_current is { } previous)
            {
                RecordPropagation(previous, next, noticedChangeAt, now);
            }
            foreach (var flag in flags)
            {
                _reportedMissing.TryRemove(flag.Key, out _);
            }
            _current = next;
            return next;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>A flag asked for that does not exist: disabled (fail safe), and logged once per process until it exists.</summary>
    public void ReportMissing(string key)
    {
        if (_reportedMissing.TryAdd(key, true))
        {
            LogMissing(_logger, key);
        }
    }

    private void RecordPropagation(FlagSnapshot previous, FlagSnapshot next, DateTimeOffset? noticedChangeAt, DateTimeOffset now)
    {
        foreach (var flag in next.Flags)
        {
            if (previous.Find(flag.Key)?.Definition.Version != flag.Version)
            {
                _metrics.FlagPropagated(now - flag.UpdatedAt);
            }
        }
        if (noticedChangeAt is { } changedAt && previous.Flags.Any(f => next.Find(f.Key) is null))
        {
            _metrics.FlagPropagated(now - changedAt);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feature flag {FlagKey} does not exist: it evaluates to disabled")]
    private static partial void LogMissing(ILogger logger, string flagKey);
}
