using System.Data.Common;
using System.Text.Json;
using Coffer.Platform.Persistence;

namespace Coffer.Platform.FeatureFlags;

/// <summary>The SQL of the <c>feature_flags</c> table; identical on SQLite and PostgreSQL but for row locks.</summary>
internal static class FlagStore
{
    private const string Columns =
        "key, description, enabled, kill_switch, rollout_basis_points, overrides, version, created_at, updated_at, updated_by, kill_switch_since";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SqlStatement All() => SqlStatement.Tagged("flags.load", $"SELECT {Columns} FROM feature_flags ORDER BY key");

    public static SqlStatement One(DatabaseProvider provider, string key) => SqlStatement.Tagged("flags.read",
        $"SELECT {Columns} FROM feature_flags WHERE key = @key{provider.ForUpdate()}", ("key", key));

    public static SqlStatement Insert(FeatureFlag flag) => SqlStatement.Tagged("flags.insert",
        $"""
        INSERT INTO feature_flags ({Columns})
        VALUES (@key, @description, @enabled, @killSwitch, @rollout, @overrides, @version, @createdAt, @updatedAt, @updatedBy, @killSwitchSince)
        """,
        Parameters(flag));

    /// <summary>Updates the row only if it is still at the version the change was based on.</summary>
    public static SqlStatement Update(FeatureFlag flag, long basedOnVersion) => SqlStatement.Tagged("flags.update",
        """
        UPDATE feature_flags SET description = @description, enabled = @enabled, kill_switch = @killSwitch,
            rollout_basis_points = @rollout, overrides = @overrides, version = @version, updated_at = @updatedAt,
            updated_by = @updatedBy, kill_switch_since = @killSwitchSince
        WHERE key = @key AND version = @basedOn
        """,
        [.. Parameters(flag), ("basedOn", basedOnVersion)]);

    public static SqlStatement Delete(string key, long version) => SqlStatement.Tagged("flags.delete",
        "DELETE FROM feature_flags WHERE key = @key AND version = @version", ("key", key), ("version", version));

    public static FeatureFlag Read(DbDataReader r) => new(
        r.GetString(0),
        r.IsDBNull(1) ? null : r.GetString(1),
        r.GetBoolean(2),
        r.GetBoolean(3),
        r.GetInt32(4),
        JsonSerializer.Deserialize<FlagOverrides>(r.GetString(5), Json) ?? FlagOverrides.None,
        r.GetInt64(6),
        r.GetFieldValue<DateTimeOffset>(7),
        r.GetFieldValue<DateTimeOffset>(8),
        r.GetString(9),
        r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10));

    private static (string, object?)[] Parameters(FeatureFlag flag) =>
    [
        ("key", flag.Key), ("description", flag.Description), ("enabled", flag.Enabled), ("killSwitch", flag.KillSwitch),
        ("rollout", flag.RolloutBasisPoints), ("overrides", JsonSerializer.Serialize(flag.Overrides, Json)), ("version", flag.Version),
        ("createdAt", flag.CreatedAt), ("updatedAt", flag.UpdatedAt), ("updatedBy", flag.UpdatedBy), ("killSwitchSince", flag.KillSwitchSince),
    ];
}
