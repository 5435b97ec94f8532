using System.Data.Common;
using System.Text.Json;
using Coffer.Platform.Persistence;

namespace Coffer.Approvals.Policies;

/// <summary>
/// When an operation of a tenant needs approval: at or above its threshold for the currency (a currency without a threshold,
/// and an operation without an amount, are gated at any amount), by <see cref="RequiredSignatures"/> distinct partners,
/// within <see cref="TtlSeconds"/>. <see cref="Version"/> grows with every change (the ETag); each version is kept in
/// <c>approval_policy_versions</c>.
/// </summary>
internal sealed class ApprovalPolicy
{
    public const int MinSignatures = 1;
    public const int MaxSignatures = 10;
    public const int DefaultTtlSeconds = 72 * 3600;
    public const int MinTtlSeconds = 60;
    public const int MaxTtlSeconds = 30 * 24 * 3600;
    public const int MaxCurrencies = 50;

    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Operation { get; set; }
    /// <summary>JSON object: ISO currency → minor units, keys in ordinal order.</summary>
    public required string Thresholds { get; set; }
    public int RequiredSignatures { get; set; }
    public int TtlSeconds { get; set; }
    public long Version { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public SortedDictionary<string, long> ThresholdMap() =>
        new(JsonSerializer.Deserialize<Dictionary<string, long>>(Thresholds) ?? [], StringComparer.Ordinal);

    /// <summary>Whether an operation of <paramref name="amount"/> in <paramref name="currency"/> needs approval under this policy.</summary>
    public bool Gates(long? amount, string? currency) =>
        amount is not { } minor || currency is null || !ThresholdMap().TryGetValue(currency, out var threshold) || minor >= threshold;

    public static string ETagOf(long version) => $"\"{version}\"";

    public const string Columns = "id, tenant_id, operation, thresholds, required_signatures, ttl_seconds, version, updated_by, created_at, updated_at";

    public static ApprovalPolicy Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        Operation = r.GetString(2),
        Thresholds = r.GetString(3),
        RequiredSignatures = r.GetInt32(4),
        TtlSeconds = r.GetInt32(5),
        Version = r.GetInt64(6),
        UpdatedBy = r.GetString(7),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(9),
    };

    public static SqlStatement Find(string tenantId, string operation, DatabaseProvider? lockFor = null) =>
        SqlStatement.Tagged("approval_policies.find",
            $"SELECT {Columns} FROM approval_policies WHERE tenant_id = @tenant AND operation = @operation{lockFor?.ForUpdate()}",
            ("tenant", tenantId), ("operation", operation));

    public static SqlStatement All(string tenantId) => SqlStatement.Tagged("approval_policies.all",
        $"SELECT {Columns} FROM approval_policies WHERE tenant_id = @tenant ORDER BY operation", ("tenant", tenantId));

    public static SqlStatement Insert(ApprovalPolicy p) => SqlStatement.Tagged("approval_policies.insert",
        $"""
        INSERT INTO approval_policies ({Columns})
        VALUES (@id, @tenant, @operation, @thresholds, @signatures, @ttl, @version, @updatedBy, @now, @now)
        """,
        ("id", p.Id), ("tenant", p.TenantId), ("operation", p.Operation), ("thresholds", p.Thresholds),
        ("signatures", p.RequiredSignatures), ("ttl", p.TtlSeconds), ("version", p.Version), ("updatedBy", p.UpdatedBy), ("now", p.CreatedAt));

    /// <summary>Updates the policy if it is still at <paramref name="expectedVersion"/> (affects 0 rows otherwise).</summary>
    public static SqlStatement Update(ApprovalPolicy p, long expectedVersion) => SqlStatement.Tagged("approval_policies.update",
        """
        UPDATE approval_policies SET thresholds = @thresholds, required_signatures = @signatures, ttl_seconds = @ttl, version = @version,
            updated_by = @updatedBy, updated_at = @now
        WHERE tenant_id = @tenant AND id = @id AND version = @expected
        """,
        ("thresholds", p.Thresholds), ("signatures", p.RequiredSignatures), ("ttl", p.TtlSeconds), ("version", p.Version),
        ("updatedBy", p.UpdatedBy), ("now", p.UpdatedAt), ("tenant", p.TenantId), ("id", p.Id), ("expected", expectedVersion));
}

/// <summary>One version of a policy: who changed it, when, and the policy before and after (JSON of <see cref="ApprovalPolicyResponse"/>).</summary>
internal sealed record ApprovalPolicyVersion(
    Guid Id, string TenantId, string Operation, long Version, string ChangedBy, DateTimeOffset ChangedAt, string? Before, string After)
{
    public const string Columns = "id, tenant_id, operation, version, changed_by, changed_at, before, after";

    public static ApprovalPolicyVersion Read(DbDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5),
        r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7));

    public static SqlStatement Insert(ApprovalPolicyVersion v) => SqlStatement.Tagged("approval_policy_versions.insert",
        $"INSERT INTO approval_policy_versions ({Columns}) VALUES (@id, @tenant, @operation, @version, @changedBy, @changedAt, @before, @after)",
        ("id", v.Id), ("tenant", v.TenantId), ("operation", v.Operation), ("version", v.Version), ("changedBy", v.ChangedBy),
        ("changedAt", v.ChangedAt), ("before", v.Before), ("after", v.After));

    public static SqlStatement History(string tenantId, string operation, long? beforeVersion, int limit) =>
        SqlStatement.Tagged("approval_policy_versions.history",
            $"SELECT {Columns} FROM approval_policy_versions WHERE tenant_id = @tenant AND operation = @operation"
            + (beforeVersion is null ? "" : " AND version < @before") + " ORDER BY version DESC LIMIT @limit",
            ("tenant", tenantId), ("operation", operation), ("before", beforeVersion), ("limit", limit));
}

internal sealed record ApprovalPolicyResponse(
    string Operation, IReadOnlyDictionary<string, long> Thresholds, int RequiredSignatures, int TtlSeconds, long Version,
    string UpdatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ApprovalPolicyResponse From(ApprovalPolicy p) => new(
        p.Operation, p.ThresholdMap(), p.RequiredSignatures, p.TtlSeconds, p.Version, p.UpdatedBy, p.CreatedAt, p.UpdatedAt);
}

internal sealed record ApprovalPolicyVersionResponse(
    long Version, string ChangedBy, DateTimeOffset ChangedAt, JsonElement? Before, JsonElement After)
{
    public static ApprovalPolicyVersionResponse From(ApprovalPolicyVersion v) => new(
        v.Version, v.ChangedBy, v.ChangedAt, v.Before is null ? null : JsonDocument.Parse(v.Before).RootElement.Clone(),
        JsonDocument.Parse(v.After).RootElement.Clone());
}
