using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Orders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "commerce_inventory",
                columns: table => new
                {
                    variant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    on_hand = table.Column<long>(type: "INTEGER", nullable: false),
                    reserved = table.Column<long>(type: "INTEGER", nullable: false),
                    low_stock_threshold = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_inventory", x => x.variant_id);
                    table.CheckConstraint("ck_commerce_inventory_on_hand", "on_hand >= 0");
                    table.CheckConstraint("ck_commerce_inventory_reserved", "reserved >= 0 AND reserved <= on_hand");
                    table.CheckConstraint("ck_commerce_inventory_threshold", "low_stock_threshold >= 0");
                    table.ForeignKey(
                        name: "FK_commerce_inventory_commerce_variants_variant_id_tenant_id",
                        columns: x => new { x.variant_id, x.tenant_id },
                        principalTable: "commerce_variants",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "commerce_orders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    buyer_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    total_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    refunded_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    refund_pending_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    payment_method = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    wallet_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    hold_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    payment_reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    client_secret_token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    contact_email_token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    stock_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reserved_until = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    cancel_reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    tracking_number = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    shipment_reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    receipt_key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    version = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 1L),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    paid_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_orders", x => x.id);
                    table.UniqueConstraint("AK_commerce_orders_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_commerce_orders_method", "payment_method IN ('wallet', 'card')");
                    table.CheckConstraint("ck_commerce_orders_refunds", "refunded_minor >= 0 AND refund_pending_minor >= 0 AND refunded_minor + refund_pending_minor <= total_minor");
                    table.CheckConstraint("ck_commerce_orders_status", "status IN ('pending_payment', 'paid', 'fulfilled', 'shipped', 'delivered', 'cancelled', 'refunded')");
                    table.CheckConstraint("ck_commerce_orders_stock", "stock_status IN ('reserved', 'committed', 'released', 'restocked')");
                    table.CheckConstraint("ck_commerce_orders_total", "total_minor > 0");
                    table.CheckConstraint("ck_commerce_orders_version", "version >= 1");
                    table.CheckConstraint("ck_commerce_orders_wallet", "payment_method <> 'wallet' OR (wallet_id IS NOT NULL AND hold_id IS NOT NULL)");
                });

            migrationBuilder.CreateTable(
                name: "commerce_stock_alerts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    variant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    available = table.Column<long>(type: "INTEGER", nullable: false),
                    threshold = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    detail = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_stock_alerts", x => x.id);
                    table.CheckConstraint("ck_commerce_stock_alerts_status", "status IN ('pending', 'sent', 'skipped')");
                    table.ForeignKey(
                        name: "FK_commerce_stock_alerts_commerce_variants_variant_id_tenant_id",
                        columns: x => new { x.variant_id, x.tenant_id },
                        principalTable: "commerce_variants",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "commerce_order_lines",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line_no = table.Column<int>(type: "INTEGER", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    variant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    unit_price_minor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_order_lines", x => new { x.order_id, x.line_no });
                    table.CheckConstraint("ck_commerce_order_lines_price", "unit_price_minor > 0");
                    table.CheckConstraint("ck_commerce_order_lines_quantity", "quantity > 0");
                    table.ForeignKey(
                        name: "FK_commerce_order_lines_commerce_orders_order_id_tenant_id",
                        columns: x => new { x.order_id, x.tenant_id },
                        principalTable: "commerce_orders",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_commerce_order_lines_commerce_variants_variant_id_tenant_id",
                        columns: x => new { x.variant_id, x.tenant_id },
                        principalTable: "commerce_variants",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "commerce_refunds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    method = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    provider_reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    transfer_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commerce_refunds", x => x.id);
                    table.CheckConstraint("ck_commerce_refunds_amount", "amount_minor > 0");
                    table.CheckConstraint("ck_commerce_refunds_status", "status IN ('pending', 'succeeded', 'failed')");
                    table.ForeignKey(
                        name: "FK_commerce_refunds_commerce_orders_order_id_tenant_id",
                        columns: x => new { x.order_id, x.tenant_id },
                        principalTable: "commerce_orders",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_inventory_tenant_id_variant_id",
                table: "commerce_inventory",
                columns: new[] { "tenant_id", "variant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_inventory_variant_id_tenant_id",
                table: "commerce_inventory",
                columns: new[] { "variant_id", "tenant_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_commerce_order_lines_order_id_tenant_id",
                table: "commerce_order_lines",
                columns: new[] { "order_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_order_lines_tenant_id_order_id",
                table: "commerce_order_lines",
                columns: new[] { "tenant_id", "order_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_order_lines_variant_id_tenant_id",
                table: "commerce_order_lines",
                columns: new[] { "variant_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_orders_status_reserved_until",
                table: "commerce_orders",
                columns: new[] { "status", "reserved_until" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_orders_tenant_id_buyer_id_id",
                table: "commerce_orders",
                columns: new[] { "tenant_id", "buyer_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_orders_tenant_id_id",
                table: "commerce_orders",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_orders_tenant_id_status_id",
                table: "commerce_orders",
                columns: new[] { "tenant_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_refunds_order_id_tenant_id",
                table: "commerce_refunds",
                columns: new[] { "order_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_refunds_tenant_id_order_id_id",
                table: "commerce_refunds",
                columns: new[] { "tenant_id", "order_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_refunds_tenant_id_reference",
                table: "commerce_refunds",
                columns: new[] { "tenant_id", "reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_commerce_stock_alerts_tenant_id_id",
                table: "commerce_stock_alerts",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_stock_alerts_tenant_id_status_id",
                table: "commerce_stock_alerts",
                columns: new[] { "tenant_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_commerce_stock_alerts_variant_id_tenant_id",
                table: "commerce_stock_alerts",
                columns: new[] { "variant_id", "tenant_id" });

            // Variants created before inventory existed get their stock row (nothing on hand), as new ones do at creation.
            migrationBuilder.Sql(
                "INSERT INTO commerce_inventory (variant_id, tenant_id, on_hand, reserved, low_stock_threshold, version, updated_at) "
                + "SELECT id, tenant_id, 0, 0, 0, 1, created_at FROM commerce_variants;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "commerce_inventory");

            migrationBuilder.DropTable(
                name: "commerce_order_lines");

            migrationBuilder.DropTable(
                name: "commerce_refunds");

            migrationBuilder.DropTable(
                name: "commerce_stock_alerts");

            migrationBuilder.DropTable(
                name: "commerce_orders");
        }
    }
}
