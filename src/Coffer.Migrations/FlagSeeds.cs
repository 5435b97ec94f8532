using Microsoft.EntityFrameworkCore.Migrations;

namespace Coffer.Migrations;

/// <summary>
/// Flags a migration creates with the feature it introduces: a flag that does not exist is off, so a feature that ships
/// on is seeded on (by "migration"), in the same migration on both engines.
/// </summary>
internal static class FlagSeeds
{
    private static readonly DateTimeOffset SeededAt = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    public static void SeedEnabledFlag(this MigrationBuilder migrationBuilder, string key, string description) =>
        migrationBuilder.SeedFlag(key, description, enabled: true);

    /// <summary>
    /// A flag that ships off but must exist (listed, with its description, for the operators who will switch it on): a kill
    /// switch, which is off until someone pulls it.
    /// </summary>
    public static void SeedDisabledFlag(this MigrationBuilder migrationBuilder, string key, string description) =>
        migrationBuilder.SeedFlag(key, description, enabled: false);

    private static void SeedFlag(this MigrationBuilder migrationBuilder, string key, string description, bool enabled) =>
        migrationBuilder.InsertData(
            table: "feature_flags",
            columns: ["key", "description", "enabled", "kill_switch", "rollout_basis_points", "overrides", "version", "created_at",
                "updated_at", "updated_by", "kill_switch_since"],
            values: [key, description, enabled, false, 10_000, """{"users":[],"funds":[],"tenants":[]}""", 1L, SeededAt, SeededAt,
                "migration", null]);
}
