using Coffer.Migrations;
using Coffer.Platform.Persistence;
using Npgsql;

namespace Coffer.Operations.Tests.Backup;

/// <summary>
/// What the point-in-time restore test writes into the Coffer database around the target time, and what it
/// expects of the restored copy. The test calls, in this order, on the source cluster's <c>coffer</c> database
/// (already migrated with <c>migrate up</c>; roles <c>coffer_owner</c> = schema owner and <c>coffer_app</c> exist):
/// <see cref="PrepareAsync"/> before the base backup, <see cref="WriteBeforeTargetAsync"/> after it,
/// then takes the target time, <see cref="WriteAfterTargetAsync"/>, and after the restore
/// <see cref="VerifyRestoredAsync"/> on the restored copy. Every connection string is the schema owner's
/// (<c>Username=coffer_owner</c>, trust authentication); swap the username for <c>coffer_app</c> to act as the
/// application, e.g. for <c>Tool.CofferAsync(..., "reconcile")</c>.
/// Ledger data and a reconcile run on the restored copy belong here.
/// </summary>
internal static class RestoredDatabaseCheck
{
    private static readonly string[] BeforeBackup = ["before-backup-1", "before-backup-2"];
    private static readonly string[] BeforeTarget = ["before-target-1", "before-target-2", "before-target-3"];
    private static readonly string[] AfterTarget = ["after-target-1", "after-target-2"];

    /// <summary>Before the base backup: a probe table and rows the backup itself contains.</summary>
    public static async Task PrepareAsync(string connectionString)
    {
        await ExecuteAsync(connectionString,
            """
            CREATE TABLE backup_probe (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                label text NOT NULL UNIQUE,
                written_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """);
        await InsertAsync(connectionString, BeforeBackup);
    }

    /// <summary>After the base backup, before the target time: only the archived WAL holds these.</summary>
    public static Task WriteBeforeTargetAsync(string connectionString) => InsertAsync(connectionString, BeforeTarget);

    /// <summary>After the target time: archived too, but a restore to the target time must not contain them.</summary>
    public static Task WriteAfterTargetAsync(string connectionString) => InsertAsync(connectionString, AfterTarget);

    /// <summary>The restored copy: promoted, the Coffer schema current, exactly the rows written up to the target time.</summary>
    public static async Task VerifyRestoredAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        await using (var recovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection))
        {
            Assert.False((bool)(await recovery.ExecuteScalarAsync())!, "The restored server is still in recovery (not promoted).");
        }

        var labels = new List<string>();
        await using (var probe = new NpgsqlCommand("SELECT label FROM backup_probe ORDER BY id", connection))
        await using (var reader = await probe.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                labels.Add(reader.GetString(0));
            }
        }
        Assert.Equal([.. BeforeBackup, .. BeforeTarget], labels);
        Assert.DoesNotContain(labels, AfterTarget.Contains);

        // The schema came back with the data, at the version of this build.
        var schema = await new SchemaMigrator(new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = connectionString,
            MigrationsConnectionString = connectionString,
            DataDirectory = Path.GetTempPath(),
        }).GetAsync(CancellationToken.None);
        Assert.NotEmpty(schema.Applied);
        Assert.Empty(schema.Pending);
    }

    private static async Task InsertAsync(string connectionString, string[] labels)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("INSERT INTO backup_probe (label) SELECT unnest(@labels)", connection);
        command.Parameters.AddWithValue("labels", labels);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
