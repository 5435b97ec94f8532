using Coffer.Migrations;
using Coffer.Platform.Persistence;
using Npgsql;

namespace Coffer.Testing;

/// <summary>
/// A fresh, migrated database for one test: a SQLite file in a temporary directory, or a PostgreSQL
/// database copied from a template that this process migrated once (as the schema owner, with the
/// application role granted its rights). Disposing drops it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _templateName;

    private TestDatabase(DatabaseOptions options, string? postgresName)
    {
        Options = options;
        PostgresName = postgresName;
    }

    public DatabaseOptions Options { get; }
    public DatabaseProvider Provider => Options.Provider;
    public string DataDirectory => Options.DataDirectory;
    private string? PostgresName { get; }

    /// <summary>A connection string with full rights, for assertions that read behind the API's back.</summary>
    public string AdminConnectionString => Options.MigrationsConnectionString;

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrated = true)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("coffer-test-").FullName;
        if (provider == DatabaseProvider.Sqlite)
        {
            var connection = $"Data Source={Path.Combine(dataDirectory, DatabaseOptions.SqliteFileName)}";
            var sqlite = new DatabaseOptions
            {
                Provider = provider, ConnectionString = connection, MigrationsConnectionString = connection, DataDirectory = dataDirectory,
            };
            if (migrated)
            {
                await new SchemaMigrator(sqlite).UpAsync(CancellationToken.None);
            }
            return new TestDatabase(sqlite, null);
        }
        var name = $"coffer_t_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresOwner))
        {
            await admin.OpenAsync();
            var template = migrated ? await EnsureTemplateAsync() : "template0";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {template}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var options = new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresApp) { Database = name }.ToString(),
            MigrationsConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresOwner) { Database = name }.ToString(),
            DataDirectory = dataDirectory,
        };
        return new TestDatabase(options, name);
    }

    /// <summary>
    /// Configuration entries that point a server at this database. Rate limits are raised far above what any test sends
    /// (tests drive thousands of requests as one principal); the rate-limit tests set their own.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coffer:DataDirectory"] = Options.DataDirectory,
        ["Coffer:Database:Provider"] = Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite",
        ["ConnectionStrings:Coffer"] = Options.ConnectionString,
        ["ConnectionStrings:CofferMigrations"] = Options.MigrationsConnectionString,
        ["Coffer:RateLimits:Policies:writes:Permits"] = "1000000",
        ["Coffer:RateLimits:Policies:reads:Permits"] = "1000000",
        ["Coffer:RateLimits:Policies:admin:Permits"] = "1000000",
    };

    private static async Task<string> EnsureTemplateAsync()
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (_templateName is not null)
            {
                return _templateName;
            }
            var name = $"coffer_tpl_{Environment.ProcessId}_{Guid.NewGuid():N}";
            await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresOwner))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            var owner = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresOwner) { Database = name, Pooling = false }.ToString();
            var app = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresApp) { Database = name }.ToString();
            await new SchemaMigrator(new DatabaseOptions
            {
                Provider = DatabaseProvider.Postgres, ConnectionString = app, MigrationsConnectionString = owner, DataDirectory = ".",
            }).UpAsync(CancellationToken.None);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropPostgres(name).GetAwaiter().GetResult();
            return _templateName = name;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    /// <summary>
    /// Drops the database. The server's connections close asynchronously, and the owner may not terminate
    /// the application role's backends, so the drop is retried briefly; a database that still cannot be
    /// dropped is left for test.sh, which drops leftover coffer_t_* databases as the superuser.
    /// </summary>
    private static async Task DropPostgres(string name)
    {
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresOwner);
        await admin.OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 20)
                {
                    return;
                }
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (PostgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await DropPostgres(PostgresName);
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server process may still be releasing a file; the temp directory is cleaned by the OS later.
        }
    }
}
