using Coffer.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Coffer.Migrations;

public static class MigrationsContextFactory
{
    public const string HistoryTable = "schema_migrations";

    /// <summary>A context on the schema-owner connection of the configured provider.</summary>
    public static CofferMigrationsContext Create(DatabaseOptions options) =>
        options.Provider == DatabaseProvider.Postgres
            ? new PostgresMigrationsContext(new DbContextOptionsBuilder<PostgresMigrationsContext>()
                .UseNpgsql(options.MigrationsConnectionString, npgsql => npgsql.MigrationsHistoryTable(HistoryTable))
                .Options)
            : new SqliteMigrationsContext(new DbContextOptionsBuilder<SqliteMigrationsContext>()
                .UseSqlite(CofferDatabase.BuildSqliteConnectionString(options.MigrationsConnectionString),
                    sqlite => sqlite.MigrationsHistoryTable(HistoryTable))
                .Options);
}

/// <summary>Lets <c>dotnet ef migrations add --context SqliteMigrationsContext</c> build the model.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMigrationsContext>
{
    public SqliteMigrationsContext CreateDbContext(string[] args) =>
        (SqliteMigrationsContext)MigrationsContextFactory.Create(new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = "Data Source=design-time.db",
            MigrationsConnectionString = "Data Source=design-time.db",
            DataDirectory = ".",
        });
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresMigrationsContext</c> build the model.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMigrationsContext>
{
    public PostgresMigrationsContext CreateDbContext(string[] args) =>
        (PostgresMigrationsContext)MigrationsContextFactory.Create(new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = "Host=127.0.0.1;Database=coffer_design",
            MigrationsConnectionString = "Host=127.0.0.1;Database=coffer_design",
            DataDirectory = ".",
        });
}
