using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Persistence;

/// <summary>
/// The configuration contract of the database: <c>Coffer:Database:Provider</c>,
/// <c>ConnectionStrings:Coffer</c> (application role) and <c>ConnectionStrings:CofferMigrations</c>
/// (schema owner, defaults to the former). The embedded default is a SQLite file in the data directory.
/// </summary>
public sealed record DatabaseOptions
{
    public required DatabaseProvider Provider { get; init; }
    public required string ConnectionString { get; init; }
    public required string MigrationsConnectionString { get; init; }
    public required string DataDirectory { get; init; }

    /// <summary>Lock wait before a statement gives up (PostgreSQL <c>lock_timeout</c>).</summary>
    public int LockTimeoutMilliseconds { get; init; } = 5_000;

    /// <summary>A round trip slower than this is logged as a warning (<c>Coffer:Database:SlowCommandMilliseconds</c>).</summary>
    public int SlowCommandMilliseconds { get; init; } = 1_000;

    public const string SqliteFileName = "coffer.db";

    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var dataDirectory = Path.GetFullPath(configuration["Coffer:DataDirectory"] is { Length: > 0 } dir ? dir : "./data");
        var providerText = configuration["Coffer:Database:Provider"] ?? "sqlite";
        var provider = providerText.ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException(
                $"Coffer:Database:Provider must be 'sqlite' or 'postgres', not '{providerText}'."),
        };
        var connectionString = configuration.GetConnectionString("Coffer");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new InvalidOperationException(
                    "The postgres profile needs ConnectionStrings:Coffer (env ConnectionStrings__Coffer).");
            }
            connectionString = $"Data Source={Path.Combine(dataDirectory, SqliteFileName)}";
        }
        var migrations = configuration.GetConnectionString("CofferMigrations");
        var lockTimeout = configuration.GetValue("Coffer:Database:LockTimeoutMilliseconds", 5_000);
        var slowCommand = Math.Max(0, configuration.GetValue("Coffer:Database:SlowCommandMilliseconds", 1_000));
        return new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = connectionString,
            MigrationsConnectionString = string.IsNullOrWhiteSpace(migrations) ? connectionString : migrations,
            DataDirectory = dataDirectory,
            LockTimeoutMilliseconds = lockTimeout,
            SlowCommandMilliseconds = slowCommand,
        };
    }
}
