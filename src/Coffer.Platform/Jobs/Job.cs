using System.Data.Common;

namespace Coffer.Platform.Jobs;

/// <summary>One job as stored.</summary>
public sealed record Job(
    Guid Id, string TenantId, string Type, string Status, string Payload, string? Result, int Attempts, int MaxAttempts,
    DateTimeOffset NextRunAt, string? LeaseOwner, DateTimeOffset? LeaseExpiresAt, string? LastError, string? OwnerSubject,
    string? TraceParent, DateTimeOffset? DispatchedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt)
{
    internal const string Columns =
        "id, tenant_id, type, status, payload, result, attempts, max_attempts, next_run_at, lease_owner, lease_expires_at, "
        + "last_error, owner_subject, trace_parent, dispatched_at, created_at, updated_at, finished_at";

    internal static Job Read(DbDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.GetInt32(6), r.GetInt32(7), r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetString(11),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13),
        r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14), r.GetFieldValue<DateTimeOffset>(15),
        r.GetFieldValue<DateTimeOffset>(16), r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17));
}
