using Coffer.Migrations;
using Coffer.Platform.Persistence;

namespace Coffer.Server.Hosting;

/// <summary>
/// Before anything else starts: the embedded default migrates its SQLite file; the postgres profile
/// refuses to start on a schema that is behind, because migrations run as the schema owner, not the app.
/// </summary>
public sealed partial class SchemaStartupCheck(SchemaMigrator migrator, DatabaseOptions options, ILogger<SchemaStartupCheck> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var applied = await migrator.UpAsync(cancellationToken);
            if (applied.Count > 0)
            {
                LogMigrated(logger, applied.Count, options.DataDirectory);
            }
            return;
        }
        if (await BehindMessageAsync(migrator, options, cancellationToken) is { } message)
        {
            throw new InvalidOperationException(message);
        }
    }

    /// <summary>The postgres profile's refusal, in words an operator can act on; null when the schema is current.</summary>
    public static async Task<string?> BehindMessageAsync(SchemaMigrator migrator, DatabaseOptions options, CancellationToken cancellationToken)
    {
        if (options.Provider != DatabaseProvider.Postgres)
        {
            return null;
        }
        var state = await migrator.GetAsync(cancellationToken);
        return state.IsCurrent
            ? null
            : $"The database schema is behind: {state.Pending.Count} migration(s) pending ({string.Join(", ", state.Pending)}). "
                + "Run 'coffer migrate up' (dotnet run --project src/Coffer.Server -- migrate up) with the schema owner's "
                + "ConnectionStrings:CofferMigrations, then start the server again.";
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s) to the embedded database in {DataDirectory}")]
    private static partial void LogMigrated(ILogger logger, int count, string dataDirectory);
}
