using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Withdrawals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "withdrawals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    destination_token = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    destination_last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    hold_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    job_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    provider_reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    failure_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_withdrawals", x => x.id);
                    table.CheckConstraint("ck_withdrawals_amount", "amount > 0");
                    table.CheckConstraint("ck_withdrawals_status", "status IN ('queued', 'paid', 'failed')");
                    table.ForeignKey(
                        name: "FK_withdrawals_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_withdrawals_holds_hold_id",
                        column: x => x.hold_id,
                        principalTable: "holds",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_withdrawals_account_id",
                table: "withdrawals",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_withdrawals_hold_id",
                table: "withdrawals",
                column: "hold_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_withdrawals_tenant_id_account_id_created_at",
                table: "withdrawals",
                columns: new[] { "tenant_id", "account_id", "created_at" });

            migrationBuilder.SeedEnabledFlag("withdrawals_enabled", "Withdrawals may be requested (POST /api/v1/withdrawals).");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(table: "feature_flags", keyColumn: "key", keyValue: "withdrawals_enabled");

            migrationBuilder.DropTable(
                name: "withdrawals");
        }
    }
}
