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
            // Each tenant-scoped table shows a transaction only the rows of the tenant in the transaction-local setting
            // coffer.tenant (DbSession sets it at the start of every transaction); '*' is Coffer's own cross-tenant work.
            // FORCE applies the policies to the table owner too (operators need BYPASSRLS to see across tenants).
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (current_setting('coffer.tenant', true) = '*' OR tenant_id = current_setting('coffer.tenant', true))
                        WITH CHECK (current_setting('coffer.tenant', true) = '*' OR tenant_id = current_setting('coffer.tenant', true));
                    """);
            }
        }

        /// <summary>Every table with a tenant_id.</summary>
        internal static readonly string[] TenantTables =
            ["accounts", "transfers", "holds", "idempotency_records", "audit_events", "audit_chains"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    DROP POLICY IF EXISTS tenant_isolation ON {table};
                    ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
                    """);
            }
        }
    }
}
