using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    system_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    allow_negative = table.Column<bool>(type: "INTEGER", nullable: false),
                    posted_debits = table.Column<long>(type: "INTEGER", nullable: false),
                    posted_credits = table.Column<long>(type: "INTEGER", nullable: false),
                    pending_debits = table.Column<long>(type: "INTEGER", nullable: false),
                    pending_credits = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_accounts", x => x.id);
                    table.UniqueConstraint("AK_accounts_id_tenant_id_currency", x => new { x.id, x.tenant_id, x.currency });
                    table.CheckConstraint("ck_accounts_kind", "kind IN ('wallet', 'system')");
                    table.CheckConstraint("ck_accounts_no_overdraft", "allow_negative OR posted_credits - posted_debits - pending_debits >= 0");
                    table.CheckConstraint("ck_accounts_totals_non_negative", "posted_debits >= 0 AND posted_credits >= 0 AND pending_debits >= 0 AND pending_credits >= 0");
                });

            migrationBuilder.CreateTable(
                name: "idempotency_records",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    request_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    response_status = table.Column<int>(type: "INTEGER", nullable: true),
                    response_content_type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    response_location = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    response_body = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_records", x => new { x.tenant_id, x.subject, x.key });
                });

            migrationBuilder.CreateTable(
                name: "transfers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    debit_account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    credit_account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    pending_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    reversal_of = table.Column<Guid>(type: "TEXT", nullable: true),
                    external_reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    metadata = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_transfers", x => x.id);
                    table.CheckConstraint("ck_transfers_amount_positive", "amount > 0");
                    table.CheckConstraint("ck_transfers_distinct_accounts", "debit_account_id <> credit_account_id");
                    table.CheckConstraint("ck_transfers_kind", "kind IN ('posted', 'pending', 'post_pending', 'void_pending')");
                    table.CheckConstraint("ck_transfers_resolution_references_pending", "(kind IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL)");
                    table.ForeignKey(
                        name: "FK_transfers_accounts_credit_account_id_tenant_id_currency",
                        columns: x => new { x.credit_account_id, x.tenant_id, x.currency },
                        principalTable: "accounts",
                        principalColumns: new[] { "id", "tenant_id", "currency" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_transfers_accounts_debit_account_id_tenant_id_currency",
                        columns: x => new { x.debit_account_id, x.tenant_id, x.currency },
                        principalTable: "accounts",
                        principalColumns: new[] { "id", "tenant_id", "currency" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_transfers_transfers_pending_id",
                        column: x => x.pending_id,
                        principalTable: "transfers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_transfers_transfers_reversal_of",
                        column: x => x.reversal_of,
                        principalTable: "transfers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "holds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    debit_account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    credit_account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    captured_amount = table.Column<long>(type: "INTEGER", nullable: true),
                    resolution_transfer_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_holds", x => x.id);
                    table.CheckConstraint("ck_holds_captured_within_amount", "captured_amount IS NULL OR (captured_amount > 0 AND captured_amount <= amount)");
                    table.CheckConstraint("ck_holds_resolution", "(status = 'pending') = (resolution_transfer_id IS NULL AND resolved_at IS NULL)");
                    table.CheckConstraint("ck_holds_status", "status IN ('pending', 'captured', 'voided', 'expired')");
                    table.ForeignKey(
                        name: "FK_holds_transfers_id",
                        column: x => x.id,
                        principalTable: "transfers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_holds_transfers_resolution_transfer_id",
                        column: x => x.resolution_transfer_id,
                        principalTable: "transfers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_accounts_tenant_id_currency_system_code",
                table: "accounts",
                columns: new[] { "tenant_id", "currency", "system_code" },
                unique: true,
                filter: "system_code IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_accounts_tenant_id_owner_id_id",
                table: "accounts",
                columns: new[] { "tenant_id", "owner_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_holds_resolution_transfer_id",
                table: "holds",
                column: "resolution_transfer_id");

            migrationBuilder.CreateIndex(
                name: "IX_holds_status_expires_at",
                table: "holds",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_records_expires_at",
                table: "idempotency_records",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "IX_transfers_credit_account_id_id",
                table: "transfers",
                columns: new[] { "credit_account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_transfers_credit_account_id_tenant_id_currency",
                table: "transfers",
                columns: new[] { "credit_account_id", "tenant_id", "currency" });

            migrationBuilder.CreateIndex(
                name: "IX_transfers_debit_account_id_id",
                table: "transfers",
                columns: new[] { "debit_account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_transfers_debit_account_id_tenant_id_currency",
                table: "transfers",
                columns: new[] { "debit_account_id", "tenant_id", "currency" });

            migrationBuilder.CreateIndex(
                name: "IX_transfers_pending_id",
                table: "transfers",
                column: "pending_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_transfers_reversal_of",
                table: "transfers",
                column: "reversal_of",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_transfers_tenant_id_external_reference",
                table: "transfers",
                columns: new[] { "tenant_id", "external_reference" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "holds");

            migrationBuilder.DropTable(
                name: "idempotency_records");

            migrationBuilder.DropTable(
                name: "transfers");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
