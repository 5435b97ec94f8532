using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RowLevelSecurity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.EnableTenantIsolation(table);
            }
        }

        /// <summary>Every table with a tenant_id when this migration was written; later tables enable it themselves.</summary>
        internal static readonly string[] TenantTables =
            ["accounts", "transfers", "holds", "idempotency_records", "audit_events", "audit_chains"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.DisableTenantIsolation(table);
            }
        }
    }
}
