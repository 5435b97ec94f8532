using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DataProtection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tokens",
                columns: table => new
                {
                    token = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ciphertext = table.Column<string>(type: "text", nullable: false),
                    last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    key_version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tokens", x => x.token);
                    table.CheckConstraint("ck_tokens_key_version", "key_version >= 1");
                });

            migrationBuilder.CreateIndex(
                name: "IX_tokens_tenant_id_kind",
                table: "tokens",
                columns: new[] { "tenant_id", "kind" });

            migrationBuilder.EnableTenantIsolation("tokens");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DisableTenantIsolation("tokens");

            migrationBuilder.DropTable(
                name: "tokens");
        }
    }
}
