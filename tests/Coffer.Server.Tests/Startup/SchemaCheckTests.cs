using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Coffer.Testing.Process;

namespace Coffer.Server.Tests.Startup;

/// <summary>
/// The configuration contract at start-up: the embedded SQLite default migrates itself; the postgres
/// profile refuses a schema that is behind and says how to fix it.
/// </summary>
public sealed class SchemaCheckTests
{
    [Fact(Timeout = 90_000)]
    public async Task PostgresProfileOnAnUnmigratedDatabase_RefusesToStartAndNamesMigrateUp()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrated: false);
        await using var server = ServerProcess.Create(database.Settings);

        server.Launch();
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.True(exitCode != 0, $"The server exited with 0 on an unmigrated database.\n{server.Output}");
        Assert.Contains("migrate up", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Coffer is running", server.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task EmbeddedDefaultOnAFreshDataDirectory_MigratesItselfAndIsReady()
    {
        var dataDirectory = Path.Combine(Directory.CreateTempSubdirectory("coffer-fresh-").FullName, "data");
        try
        {
            // Only the data directory: provider and connection strings are the defaults.
            await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?> { ["Coffer:DataDirectory"] = dataDirectory });

            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var ready = await client.GetAsync("/health/ready");
            var body = await ready.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"provider\":\"sqlite\"", body, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dataDirectory, DatabaseOptions.SqliteFileName)),
                $"No {DatabaseOptions.SqliteFileName} in {dataDirectory}: {string.Join(", ", Directory.EnumerateFileSystemEntries(dataDirectory))}");
            using var alice = server.ClientFor("alice", "acme", "customer");
            await alice.CreateWalletAsync(); // the tables are there, not just a file
        }
        finally
        {
            TryDelete(Path.GetDirectoryName(dataDirectory)!);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temporary directories.
        }
    }
}
