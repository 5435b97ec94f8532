using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Approvals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "approval_partners",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_partners", x => x.id);
                    table.UniqueConstraint("AK_approval_partners_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_approval_partners_status", "status IN ('active', 'suspended')");
                });

            migrationBuilder.CreateTable(
                name: "approval_policies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    operation = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    thresholds = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    required_signatures = table.Column<int>(type: "INTEGER", nullable: false),
                    ttl_seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_policies", x => x.id);
                    table.UniqueConstraint("AK_approval_policies_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_approval_policies_signatures", "required_signatures BETWEEN 1 AND 10");
                    table.CheckConstraint("ck_approval_policies_ttl", "ttl_seconds BETWEEN 60 AND 2592000");
                    table.CheckConstraint("ck_approval_policies_version", "version >= 1");
                });

            migrationBuilder.CreateTable(
                name: "approval_policy_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    operation = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    changed_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    before = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    after = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_policy_versions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approval_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    operation = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    payload = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: true),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: true),
                    resource_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    inputs_hash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    required_signatures = table.Column<int>(type: "INTEGER", nullable: false),
                    policy_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    policy_version = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    rejected_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    rejection_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    execution_job_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    held_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    executed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    result = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_requests", x => x.id);
                    table.UniqueConstraint("AK_approval_requests_id_tenant_id", x => new { x.id, x.tenant_id });
                    table.CheckConstraint("ck_approval_requests_amount", "(amount IS NULL) = (currency IS NULL) AND (amount IS NULL OR amount >= 0)");
                    table.CheckConstraint("ck_approval_requests_decided", "(status = 'pending') = (decided_at IS NULL)");
                    table.CheckConstraint("ck_approval_requests_executed", "(status = 'executed') = (executed_at IS NOT NULL)");
                    table.CheckConstraint("ck_approval_requests_held", "held_at IS NULL OR status = 'approved'");
                    table.CheckConstraint("ck_approval_requests_job", "(status IN ('approved', 'executed')) = (execution_job_id IS NOT NULL)");
                    table.CheckConstraint("ck_approval_requests_rejected", "(status = 'rejected') = (rejected_by IS NOT NULL)");
                    table.CheckConstraint("ck_approval_requests_signatures", "required_signatures BETWEEN 1 AND 10");
                    table.CheckConstraint("ck_approval_requests_status", "status IN ('pending', 'approved', 'executed', 'rejected', 'expired')");
                    table.ForeignKey(
                        name: "FK_approval_requests_approval_policies_policy_id_tenant_id",
                        columns: x => new { x.policy_id, x.tenant_id },
                        principalTable: "approval_policies",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "approval_signatures",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    approval_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    partner_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    signed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_signatures", x => x.id);
                    table.ForeignKey(
                        name: "FK_approval_signatures_approval_partners_partner_id_tenant_id",
                        columns: x => new { x.partner_id, x.tenant_id },
                        principalTable: "approval_partners",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_approval_signatures_approval_requests_approval_id_tenant_id",
                        columns: x => new { x.approval_id, x.tenant_id },
                        principalTable: "approval_requests",
                        principalColumns: new[] { "id", "tenant_id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_approval_partners_tenant_id_subject",
                table: "approval_partners",
                columns: new[] { "tenant_id", "subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_approval_policies_tenant_id_operation",
                table: "approval_policies",
                columns: new[] { "tenant_id", "operation" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_approval_policy_versions_tenant_id_operation_version",
                table: "approval_policy_versions",
                columns: new[] { "tenant_id", "operation", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_policy_id_tenant_id",
                table: "approval_requests",
                columns: new[] { "policy_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_status_expires_at",
                table: "approval_requests",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_tenant_id_operation_inputs_hash_created_at",
                table: "approval_requests",
                columns: new[] { "tenant_id", "operation", "inputs_hash", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_tenant_id_requested_by_id",
                table: "approval_requests",
                columns: new[] { "tenant_id", "requested_by", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_tenant_id_status_id",
                table: "approval_requests",
                columns: new[] { "tenant_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_signatures_approval_id_partner_id",
                table: "approval_signatures",
                columns: new[] { "approval_id", "partner_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_approval_signatures_approval_id_tenant_id",
                table: "approval_signatures",
                columns: new[] { "approval_id", "tenant_id" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_signatures_partner_id_tenant_id",
                table: "approval_signatures",
                columns: new[] { "partner_id", "tenant_id" });

            migrationBuilder.SeedDisabledFlag("approvals_kill_switch", "Kill switch: while on, approved operations are held instead of executed; they resume when it is off.");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(table: "feature_flags", keyColumn: "key", keyValue: "approvals_kill_switch");

            migrationBuilder.DropTable(
                name: "approval_policy_versions");

            migrationBuilder.DropTable(
                name: "approval_signatures");

            migrationBuilder.DropTable(
                name: "approval_partners");

            migrationBuilder.DropTable(
                name: "approval_requests");

            migrationBuilder.DropTable(
                name: "approval_policies");
        }
    }
}
