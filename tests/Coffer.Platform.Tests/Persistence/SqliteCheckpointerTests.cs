using System.Security.Cryptography;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Platform.Tests.Persistence;

/// <summary>
/// Committed SQLite writes sit in the write-ahead log until a checkpoint copies them into the database file. The writer
/// no longer does that itself below <see cref="SqliteConnectionPool.WriterAutoCheckpointPages"/> pages; the background
/// checkpointer does, within moments. Observed on the database file itself: it only changes when a checkpoint writes it.
/// </summary>
public sealed class SqliteCheckpointerTests
{
    private const int Rows = 300;

    [Fact(Timeout = 60_000)]
    public async Task CommittedWrites_StayInTheLog_UntilTheBackgroundCheckpointerCopiesThem()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var source = new CofferDatabase(database.Options);
        var file = new SqliteConnectionStringBuilder(database.Options.ConnectionString).DataSource;
        await using (var session = new DbSession(source, NullLogger<DbSession>.Instance))
        {
            await session.ExecuteAsync([SqlStatement.Of("CREATE TABLE checkpoint_probe (payload BLOB NOT NULL)")], CancellationToken.None);
            await source.CheckpointSqliteAsync(CancellationToken.None); // the table itself is in the file now
            var before = await HashAsync(file);
            for (var i = 0; i < Rows; i++)
            {
                await session.BeginAsync(CancellationToken.None);
                await session.CommitAsync([SqlStatement.Of("INSERT INTO checkpoint_probe (payload) VALUES (randomblob(16000))")],
                    CancellationToken.None);
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
            // ≈ 1,200 pages committed: past SQLite's default automatic checkpoint (1,000), below the writer's backstop.
            Assert.Equal(before, await HashAsync(file));

            var checkpointer = new SqliteCheckpointer(source, TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance);
            await checkpointer.StartAsync(CancellationToken.None);
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (await HashAsync(file) == before && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
                Assert.NotEqual(before, await HashAsync(file));
            }
            finally
            {
                await checkpointer.StopAsync(CancellationToken.None);
            }
            var rows = await session.QueryAsync(SqlStatement.Of("SELECT COUNT(*) FROM checkpoint_probe"), r => r.GetInt64(0), CancellationToken.None);
            Assert.Equal(Rows, rows.Single());
        }
    }

    private static async Task<string> HashAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream));
    }
}
