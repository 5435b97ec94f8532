using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// Keeps <see cref="FlagCache"/> current: loads the flags before the server takes requests, then reloads them when
/// Redis announces a change (or comes back after an outage, when announcements may have been missed), and in any case
/// every <see cref="FlagSettings.RefreshInterval"/> — the short TTL without Redis, a safety net with it.
/// </summary>
internal sealed partial class FlagRefresher(
    FlagCache cache, FlagSettings settings, ILogger<FlagRefresher> logger, FlagChangeChannel? changes = null)
    : BackgroundService
{
    private readonly Channel<DateTimeOffset?> _notices = Channel.CreateBounded<DateTimeOffset?>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await cache.ReloadAsync(null, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Serving with no flags is safe (every flag is off) and the loop below keeps trying.
            LogLoadFailed(logger, failure);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscribed = changes is null;
        while (!stoppingToken.IsCancellationRequested)
        {
            subscribed = subscribed || await TrySubscribeAsync(stoppingToken);
            var noticedChangeAt = await NextNoticeAsync(stoppingToken);
            try
            {
                await cache.ReloadAsync(noticedChangeAt, stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogLoadFailed(logger, failure);
            }
        }
    }

    private async Task<bool> TrySubscribeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await changes!.SubscribeAsync(
                changedAt => _notices.Writer.TryWrite(changedAt),
                () => _notices.Writer.TryWrite(null),
                stoppingToken);
            return true;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogSubscribeFailed(logger, settings.RefreshInterval.TotalSeconds, failure);
            return false;
        }
    }

    /// <summary>Waits for a change notice or the refresh interval; drains every notice waiting, returning the earliest change.</summary>
    private async Task<DateTimeOffset?> NextNoticeAsync(CancellationToken stoppingToken)
    {
        using var interval = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        interval.CancelAfter(settings.RefreshInterval);
        try
        {
            await _notices.Reader.WaitToReadAsync(interval.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return null; // the interval elapsed: a routine re-read
        }
        DateTimeOffset? earliest = null;
        while (_notices.Reader.TryRead(out var changedAt))
        {
            earliest = changedAt is { } at && (earliest is null || at < earliest) ? at : earliest;
        }
        return earliest;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Feature flags could not be loaded; the last snapshot stays in use and the load is retried")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Cannot subscribe to flag changes in Redis; flags are re-read every {RefreshSeconds} s until it answers")]
    private static partial void LogSubscribeFailed(ILogger logger, double refreshSeconds, Exception exception);
}
