using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coffer.Migrations.Sqlite
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
                    token = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ciphertext = table.Column<string>(type: "TEXT", nullable: false),
                    last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    key_version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tokens");
        }
    }
}
