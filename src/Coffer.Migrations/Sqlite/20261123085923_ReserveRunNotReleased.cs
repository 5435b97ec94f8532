using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReserveRunNotReleased : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_reserve_runs_status",
                table: "reserve_runs");

            migrationBuilder.AddCheckConstraint(
                name: "ck_reserve_runs_status",
                table: "reserve_runs",
                sql: "status IN ('completed', 'pending_approval', 'released', 'not_released')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite changes a CHECK only by rebuilding the table, and a rebuild cannot follow this data step in one migration:
            // the runs go back to pending, and the wider CHECK (a superset of the older one) stays. Up rebuilds it either way.
            migrationBuilder.Sql("UPDATE reserve_runs SET status = 'pending_approval' WHERE status = 'not_released'");
        }
    }
}
