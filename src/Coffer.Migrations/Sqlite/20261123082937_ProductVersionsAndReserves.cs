using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProductVersionsAndReserves : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "reserve_ratio",
                table: "investment_products",
                type: "TEXT",
                precision: 9,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "version",
                table: "investment_products",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1L);

            migrationBuilder.CreateTable(
                name: "investment_product_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    product_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    changed_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    before = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    after = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_investment_product_versions", x => x.id);
                    table.CheckConstraint("ck_investment_product_versions_action", "action IN ('created', 'updated', 'opened', 'closed', 'reserve_policy_set')");
                    table.CheckConstraint("ck_investment_product_versions_version", "version >= 1");
                    table.ForeignKey(
                        name: "FK_investment_product_versions_investment_products_product_id_tenant_id",
                        columns: x => new { x.product_id, x.tenant_id },
                        principalTable: "investment_products",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "reserve_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    product_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    ratio = table.Column<decimal>(type: "TEXT", precision: 9, scale: 6, nullable: false),
                    outstanding = table.Column<long>(type: "INTEGER", nullable: false),
                    required = table.Column<long>(type: "INTEGER", nullable: false),
                    held = table.Column<long>(type: "INTEGER", nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    approval_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    approval_expires_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    transfer_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    triggered_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    released_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reserve_runs", x => x.id);
                    table.UniqueConstraint("AK_reserve_runs_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_reserve_runs_action", "action IN ('topup', 'release', 'release_pending', 'none')");
                    table.CheckConstraint("ck_reserve_runs_amounts", "required >= 0 AND amount >= 0 AND (amount = 0) = (action = 'none')");
                    table.CheckConstraint("ck_reserve_runs_pending", "(action = 'release_pending') = (approval_id IS NOT NULL) AND (status = 'completed') = (action <> 'release_pending')");
                    table.CheckConstraint("ck_reserve_runs_ratio", "ratio >= 0 AND ratio <= 1");
                    table.CheckConstraint("ck_reserve_runs_status", "status IN ('completed', 'pending_approval', 'released')");
                    table.ForeignKey(
                        name: "FK_reserve_runs_investment_products_product_id_tenant_id",
                        columns: x => new { x.product_id, x.tenant_id },
                        principalTable: "investment_products",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_investment_products_reserve_ratio",
                table: "investment_products",
                sql: "reserve_ratio IS NULL OR (reserve_ratio >= 0 AND reserve_ratio <= 1)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_investment_products_version",
                table: "investment_products",
                sql: "version >= 1");

            migrationBuilder.CreateIndex(
                name: "IX_investment_product_versions_product_id_tenant_id",
                table: "investment_product_versions",
                columns: new[] { "product_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_investment_product_versions_tenant_id_product_id_id",
                table: "investment_product_versions",
                columns: new[] { "tenant_id", "product_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_investment_product_versions_tenant_id_product_id_version",
                table: "investment_product_versions",
                columns: new[] { "tenant_id", "product_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_reserve_runs_product_id_tenant_id",
                table: "reserve_runs",
                columns: new[] { "product_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_reserve_runs_tenant_id_product_id_id",
                table: "reserve_runs",
                columns: new[] { "tenant_id", "product_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_reserve_runs_tenant_id_product_id_status",
                table: "reserve_runs",
                columns: new[] { "tenant_id", "product_id", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "investment_product_versions");

            migrationBuilder.DropTable(
                name: "reserve_runs");

            migrationBuilder.DropCheckConstraint(
                name: "ck_investment_products_reserve_ratio",
                table: "investment_products");

            migrationBuilder.DropCheckConstraint(
                name: "ck_investment_products_version",
                table: "investment_products");

            migrationBuilder.DropColumn(
                name: "reserve_ratio",
                table: "investment_products");

            migrationBuilder.DropColumn(
                name: "version",
                table: "investment_products");
        }
    }
}
