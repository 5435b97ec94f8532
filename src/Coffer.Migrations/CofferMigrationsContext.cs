using Coffer.Approvals;
using Coffer.Commerce;
using Coffer.Investments;
using Coffer.Ledger;
using Coffer.Platform;
using Coffer.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Migrations;

/// <summary>
/// The whole schema as one EF Core model: every module contributes its tables here. Used for migrations
/// and the drift check only; modules read and write with SQL through <see cref="DbSession"/>.
/// Each provider has its own subclass so that each keeps its own reversible migrations.
/// </summary>
public abstract class CofferMigrationsContext(DbContextOptions options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        PlatformModel.Configure(modelBuilder);
        LedgerModel.Configure(modelBuilder);
        InvestmentsModel.Configure(modelBuilder);
        ApprovalsModel.Configure(modelBuilder);
        CommerceModel.Configure(modelBuilder);
        ModelNaming.UseSnakeCaseColumns(modelBuilder);
    }
}

public sealed class SqliteMigrationsContext(DbContextOptions<SqliteMigrationsContext> options) : CofferMigrationsContext(options);

public sealed class PostgresMigrationsContext(DbContextOptions<PostgresMigrationsContext> options) : CofferMigrationsContext(options);
