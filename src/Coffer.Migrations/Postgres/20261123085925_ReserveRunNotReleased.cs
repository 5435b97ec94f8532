using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Postgres
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
            // The older constraint does not know 'not_released': such runs read as still pending again (nothing moved for them).
            migrationBuilder.Sql("UPDATE reserve_runs SET status = 'pending_approval' WHERE status = 'not_released'");

            migrationBuilder.DropCheckConstraint(
                name: "ck_reserve_runs_status",
                table: "reserve_runs");

            migrationBuilder.AddCheckConstraint(
                name: "ck_reserve_runs_status",
                table: "reserve_runs",
                sql: "status IN ('completed', 'pending_approval', 'released')");
        }
    }
}
