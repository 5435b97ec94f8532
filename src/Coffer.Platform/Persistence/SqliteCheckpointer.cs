using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Persistence;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file from a connection of its own, a few times a second,
/// so that the writer does not. SQLite otherwise checkpoints inside the commit that fills the log past 1,000 pages:
/// reading those pages back, writing them to the database file and syncing it, all inside the writer's serial section.
/// A PASSIVE checkpoint never blocks the writer or the readers; it copies what no reader still needs. The writer keeps
/// an automatic checkpoint at <see cref="SqliteConnectionPool.WriterAutoCheckpointPages"/> pages, which finds almost
/// everything copied already, restarts the log, and bounds it should this service fall behind.
/// Measured: embedded single transfers 1,422 → 1,799–1,970/s (docs/performance.md).
/// Does nothing on PostgreSQL.
/// </summary>
internal sealed partial class SqliteCheckpointer(CofferDatabase database, TimeProvider time, ILogger<SqliteCheckpointer> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await database.CheckpointSqliteAsync(stoppingToken);
                failing = false;
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // The writer's own backstop checkpoint still bounds the log; say so once per outage, not ten times a second.
                if (!failing)
                {
                    LogCheckpointFailed(logger, failure);
                }
                failing = true;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint failed; the writer checkpoints by itself until it works again")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
