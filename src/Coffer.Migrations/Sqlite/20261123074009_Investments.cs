using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Investments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "investment_partners",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    base_url = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    api_key_sealed = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    secret_sealed = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    account_token = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    account_last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    credentials_updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_investment_partners", x => x.id);
                    table.UniqueConstraint("AK_investment_partners_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_investment_partners_status", "status IN ('active', 'suspended')");
                });

            migrationBuilder.CreateTable(
                name: "investment_products",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    min_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    max_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    annual_rate = table.Column<decimal>(type: "TEXT", precision: 9, scale: 6, nullable: false),
                    risk_level = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    term_days = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    partner_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    partner_product_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_investment_products", x => x.id);
                    table.UniqueConstraint("AK_investment_products_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_investment_products_amounts", "min_amount > 0 AND max_amount >= min_amount");
                    table.CheckConstraint("ck_investment_products_partner_code", "(partner_id IS NULL) = (partner_product_code IS NULL)");
                    table.CheckConstraint("ck_investment_products_rate", "annual_rate >= 0 AND annual_rate <= 1");
                    table.CheckConstraint("ck_investment_products_risk", "risk_level IN ('low', 'medium', 'high')");
                    table.CheckConstraint("ck_investment_products_status", "status IN ('draft', 'open', 'closed')");
                    table.CheckConstraint("ck_investment_products_term", "term_days > 0");
                    table.ForeignKey(
                        name: "FK_investment_products_investment_partners_partner_id_tenant_id",
                        columns: x => new { x.partner_id, x.tenant_id },
                        principalTable: "investment_partners",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "investments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    product_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    partner_reference_token = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    failure_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    execute_job_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    redeem_job_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    return_paid = table.Column<long>(type: "INTEGER", nullable: true),
                    executed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    redeemed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_investments", x => x.id);
                    table.UniqueConstraint("AK_investments_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_investments_amount", "amount > 0");
                    table.CheckConstraint("ck_investments_executed", "(status IN ('active', 'redeeming', 'redeemed')) = (executed_at IS NOT NULL)");
                    table.CheckConstraint("ck_investments_failed_has_reason", "(status = 'failed') = (failure_reason IS NOT NULL)");
                    table.CheckConstraint("ck_investments_status", "status IN ('pending', 'executing', 'active', 'failed', 'redeeming', 'redeemed')");
                    table.ForeignKey(
                        name: "FK_investments_investment_products_product_id_tenant_id",
                        columns: x => new { x.product_id, x.tenant_id },
                        principalTable: "investment_products",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "dividend_distributions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    product_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    investment_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    total_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    job_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    failure_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dividend_distributions", x => x.id);
                    table.UniqueConstraint("AK_dividend_distributions_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_dividend_distributions_status", "status IN ('queued', 'running', 'completed', 'failed')");
                    table.CheckConstraint("ck_dividend_distributions_total", "total_amount > 0");
                    table.ForeignKey(
                        name: "FK_dividend_distributions_investment_products_product_id_tenant_id",
                        columns: x => new { x.product_id, x.tenant_id },
                        principalTable: "investment_products",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_dividend_distributions_investments_investment_id_tenant_id",
                        columns: x => new { x.investment_id, x.tenant_id },
                        principalTable: "investments",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "dividend_payouts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    distribution_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    investment_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    transfer_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    failure_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dividend_payouts", x => x.id);
                    table.CheckConstraint("ck_dividend_payouts_amount", "amount > 0");
                    table.CheckConstraint("ck_dividend_payouts_paid_transfer", "(status = 'paid') = (transfer_id IS NOT NULL)");
                    table.CheckConstraint("ck_dividend_payouts_status", "status IN ('pending', 'paid', 'failed')");
                    table.ForeignKey(
                        name: "FK_dividend_payouts_dividend_distributions_distribution_id_tenant_id",
                        columns: x => new { x.distribution_id, x.tenant_id },
                        principalTable: "dividend_distributions",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_dividend_payouts_investments_investment_id_tenant_id",
                        columns: x => new { x.investment_id, x.tenant_id },
                        principalTable: "investments",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_dividend_distributions_investment_id_tenant_id",
                table: "dividend_distributions",
                columns: new[] { "investment_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_dividend_distributions_product_id_tenant_id",
                table: "dividend_distributions",
                columns: new[] { "product_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_dividend_distributions_tenant_id_product_id_id",
                table: "dividend_distributions",
                columns: new[] { "tenant_id", "product_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_dividend_distributions_tenant_id_reference",
                table: "dividend_distributions",
                columns: new[] { "tenant_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_dividend_payouts_distribution_id_investment_id",
                table: "dividend_payouts",
                columns: new[] { "distribution_id", "investment_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_dividend_payouts_distribution_id_status_investment_id",
                table: "dividend_payouts",
                columns: new[] { "distribution_id", "status", "investment_id" });

            migrationBuilder.CreateIndex(
                name: "IX_dividend_payouts_distribution_id_tenant_id",
                table: "dividend_payouts",
                columns: new[] { "distribution_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_dividend_payouts_investment_id_tenant_id",
                table: "dividend_payouts",
                columns: new[] { "investment_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_investment_partners_tenant_id_id",
                table: "investment_partners",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_investment_products_partner_id_tenant_id",
                table: "investment_products",
                columns: new[] { "partner_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_investment_products_tenant_id_status_id",
                table: "investment_products",
                columns: new[] { "tenant_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_investments_product_id_tenant_id",
                table: "investments",
                columns: new[] { "product_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_investments_tenant_id_owner_id_id",
                table: "investments",
                columns: new[] { "tenant_id", "owner_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_investments_tenant_id_product_id_status_id",
                table: "investments",
                columns: new[] { "tenant_id", "product_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_investments_tenant_id_reference",
                table: "investments",
                columns: new[] { "tenant_id", "reference" },
                unique: true);

            migrationBuilder.SeedEnabledFlag("investment_module_enabled", "Investment products may be created and investments placed.");
            migrationBuilder.SeedEnabledFlag("investment_execution_enabled", "Investments may be executed and redeemed.");
            migrationBuilder.SeedEnabledFlag("dividend_distribution_enabled", "Dividends may be distributed, to one investment or pro rata over a product.");
            migrationBuilder.SeedEnabledFlag("external_investment_integrations_enabled", "Investment partners' APIs may be called.");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(table: "feature_flags", keyColumn: "key", keyValue: "investment_module_enabled");
            migrationBuilder.DeleteData(table: "feature_flags", keyColumn: "key", keyValue: "investment_execution_enabled");
            migrationBuilder.DeleteData(table: "feature_flags", keyColumn: "key", keyValue: "dividend_distribution_enabled");
            migrationBuilder.DeleteData(table: "feature_flags", keyColumn: "key", keyValue: "external_investment_integrations_enabled");

            migrationBuilder.DropTable(
                name: "dividend_payouts");

            migrationBuilder.DropTable(
                name: "dividend_distributions");

            migrationBuilder.DropTable(
                name: "investments");

            migrationBuilder.DropTable(
                name: "investment_products");

            migrationBuilder.DropTable(
                name: "investment_partners");
        }
    }
}
