using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Catalog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "commerce_products",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 1L),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_products", x => x.id);
                    table.UniqueConstraint("AK_commerce_products_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_commerce_products_status", "status IN ('draft', 'active', 'archived')");
                    table.CheckConstraint("ck_commerce_products_version", "version >= 1");
                });

            migrationBuilder.CreateTable(
                name: "commerce_variants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    product_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    attributes = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_variants", x => x.id);
                    table.UniqueConstraint("AK_commerce_variants_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.ForeignKey(
                        name: "FK_commerce_variants_commerce_products_product_id_tenant_id",
                        columns: x => new { x.product_id, x.tenant_id },
                        principalTable: "commerce_products",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "commerce_variant_prices",
                columns: table => new
                {
                    variant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_variant_prices", x => new { x.variant_id, x.currency });
                    table.CheckConstraint("ck_commerce_variant_prices_amount", "amount_minor > 0");
                    table.ForeignKey(
                        name: "FK_commerce_variant_prices_commerce_variants_variant_id_tenant_id",
                        columns: x => new { x.variant_id, x.tenant_id },
                        principalTable: "commerce_variants",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_products_tenant_id_id",
                table: "commerce_products",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_products_tenant_id_status_id",
                table: "commerce_products",
                columns: new[] { "tenant_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_variant_prices_tenant_id_variant_id",
                table: "commerce_variant_prices",
                columns: new[] { "tenant_id", "variant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_variant_prices_variant_id_tenant_id",
                table: "commerce_variant_prices",
                columns: new[] { "variant_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_variants_product_id_tenant_id",
                table: "commerce_variants",
                columns: new[] { "product_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_variants_tenant_id_product_id_id",
                table: "commerce_variants",
                columns: new[] { "tenant_id", "product_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_variants_tenant_id_sku",
                table: "commerce_variants",
                columns: new[] { "tenant_id", "sku" },
                unique: true);

            migrationBuilder.SeedEnabledFlag("commerce_enabled", "The commerce catalog may be read and written.");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(table: "feature_flags", keyColumn: "key", keyValue: "commerce_enabled");
            migrationBuilder.DropTable(
                name: "commerce_variant_prices");

            migrationBuilder.DropTable(
                name: "commerce_variants");

            migrationBuilder.DropTable(
                name: "commerce_products");
        }
    }
}
