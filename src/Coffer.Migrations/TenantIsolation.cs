using Microsoft.EntityFrameworkCore.Migrations;

namespace Coffer.Migrations;

/// <summary>
/// PostgreSQL row-level security for a tenant-scoped table: a transaction sees only the rows of the tenant in its
/// transaction-local setting <c>coffer.tenant</c> (DbSession sets it at the start of every transaction); <c>'*'</c> is
/// Coffer's own cross-tenant work. FORCE applies the policy to the table owner too (operators need BYPASSRLS to see
/// across tenants). Every table with a <c>tenant_id</c> gets it in the migration that creates the table.
/// </summary>
internal static class TenantIsolation
{
    public static void EnableTenantIsolation(this MigrationBuilder migrationBuilder, string table) =>
        migrationBuilder.Sql($"""
            ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON {table}
                USING (current_setting('coffer.tenant', true) = '*' OR tenant_id = current_setting('coffer.tenant', true))
                WITH CHECK (current_setting('coffer.tenant', true) = '*' OR tenant_id = current_setting('coffer.tenant', true));
            """);

    public static void DisableTenantIsolation(this MigrationBuilder migrationBuilder, string table) =>
        migrationBuilder.Sql($"""
            DROP POLICY IF EXISTS tenant_isolation ON {table};
            ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
            ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
            """);
}
