using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Approvals.Requests;

/// <summary>
/// An operation waiting for (or past) its quorum. <see cref="RequiredSignatures"/> and <see cref="PolicyVersion"/> are copied from
/// the policy when it is asked, so a later policy change does not move the goalposts of a pending request.
/// </summary>
internal sealed class ApprovalRequest
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Operation { get; set; }
    public required string Payload { get; set; }
    public long? Amount { get; set; }
    public string? Currency { get; set; }
    public string? ResourceId { get; set; }
    public required string InputsHash { get; set; }
    public required string RequestedBy { get; set; }
    public required string Status { get; set; }
    public int RequiredSignatures { get; set; }
    public Guid PolicyId { get; set; }
    public long PolicyVersion { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? RejectedBy { get; set; }
    public string? RejectionReason { get; set; }
    public Guid? ExecutionJobId { get; set; }
    public DateTimeOffset? HeldAt { get; set; }
    public DateTimeOffset? ExecutedAt { get; set; }
    public string? Result { get; set; }

    public const string Columns =
        "id, tenant_id, operation, payload, amount, currency, resource_id, inputs_hash, requested_by, status, required_signatures, "
        + "policy_id, policy_version, expires_at, created_at, updated_at, decided_at, rejected_by, rejection_reason, execution_job_id, "
        + "held_at, executed_at, result";

    public static ApprovalRequest Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        Operation = r.GetString(2),
        Payload = r.GetString(3),
        Amount = r.IsDBNull(4) ? null : r.GetInt64(4),
        Currency = r.IsDBNull(5) ? null : r.GetString(5),
        ResourceId = r.IsDBNull(6) ? null : r.GetString(6),
        InputsHash = r.GetString(7),
        RequestedBy = r.GetString(8),
        Status = r.GetString(9),
        RequiredSignatures = r.GetInt32(10),
        PolicyId = r.GetGuid(11),
        PolicyVersion = r.GetInt64(12),
        ExpiresAt = r.GetFieldValue<DateTimeOffset>(13),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(14),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(15),
        DecidedAt = r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16),
        RejectedBy = r.IsDBNull(17) ? null : r.GetString(17),
        RejectionReason = r.IsDBNull(18) ? null : r.GetString(18),
        ExecutionJobId = r.IsDBNull(19) ? null : r.GetGuid(19),
        HeldAt = r.IsDBNull(20) ? null : r.GetFieldValue<DateTimeOffset>(20),
        ExecutedAt = r.IsDBNull(21) ? null : r.GetFieldValue<DateTimeOffset>(21),
        Result = r.IsDBNull(22) ? null : r.GetString(22),
    };

    public static SqlStatement Insert(ApprovalRequest a) => SqlStatement.Tagged("approval_requests.insert",
        """
        INSERT INTO approval_requests (id, tenant_id, operation, payload, amount, currency, resource_id, inputs_hash, requested_by, status,
            required_signatures, policy_id, policy_version, expires_at, created_at, updated_at)
        VALUES (@id, @tenant, @operation, @payload, @amount, @currency, @resourceId, @hash, @requestedBy, @status, @signatures, @policyId,
            @policyVersion, @expiresAt, @now, @now)
        """,
        ("id", a.Id), ("tenant", a.TenantId), ("operation", a.Operation), ("payload", a.Payload), ("amount", a.Amount),
        ("currency", a.Currency), ("resourceId", a.ResourceId), ("hash", a.InputsHash), ("requestedBy", a.RequestedBy),
        ("status", a.Status), ("signatures", a.RequiredSignatures), ("policyId", a.PolicyId), ("policyVersion", a.PolicyVersion),
        ("expiresAt", a.ExpiresAt), ("now", a.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("approval_requests.find",
        $"SELECT {Columns} FROM approval_requests WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}",
        ("tenant", tenantId), ("id", id));

    /// <summary>Newest first (ids are time-ordered); <paramref name="requestedBy"/> limits the list to one requester's.</summary>
    public static SqlStatement Page(string tenantId, string? status, string? operation, string? requestedBy, Guid? before, int limit) =>
        SqlStatement.Tagged("approval_requests.page",
            $"SELECT {Columns} FROM approval_requests WHERE tenant_id = @tenant"
            + (status is null ? "" : " AND status = @status")
            + (operation is null ? "" : " AND operation = @operation")
            + (requestedBy is null ? "" : " AND requested_by = @requestedBy")
            + (before is null ? "" : " AND id < @before")
            + " ORDER BY id DESC LIMIT @limit",
            ("tenant", tenantId), ("status", status), ("operation", operation), ("requestedBy", requestedBy), ("before", before),
            ("limit", limit));

    /// <summary>Requests of these inputs that are pending, or were created since <paramref name="since"/>.</summary>
    public static SqlStatement CountRecent(string tenantId, string operation, string inputsHash, DateTimeOffset since) =>
        SqlStatement.Tagged("approval_requests.count_recent",
            """
            SELECT COUNT(*) FROM approval_requests
            WHERE tenant_id = @tenant AND operation = @operation AND inputs_hash = @hash AND (status = 'pending' OR created_at > @since)
            """,
            ("tenant", tenantId), ("operation", operation), ("hash", inputsHash), ("since", since));

    public static SqlStatement Approve(ApprovalRequest a, Guid jobId, DateTimeOffset now) => SqlStatement.Tagged("approval_requests.approve",
        """
        UPDATE approval_requests SET status = 'approved', decided_at = @now, updated_at = @now, execution_job_id = @job
        WHERE tenant_id = @tenant AND id = @id AND status = 'pending'
        """,
        ("now", now), ("job", jobId), ("tenant", a.TenantId), ("id", a.Id));

    public static SqlStatement Reject(ApprovalRequest a, string rejectedBy, string? reason, DateTimeOffset now) =>
        SqlStatement.Tagged("approval_requests.reject",
            """
            UPDATE approval_requests SET status = 'rejected', decided_at = @now, updated_at = @now, rejected_by = @by, rejection_reason = @reason
            WHERE tenant_id = @tenant AND id = @id AND status = 'pending'
            """,
            ("now", now), ("by", rejectedBy), ("reason", reason), ("tenant", a.TenantId), ("id", a.Id));

    public static SqlStatement Expire(string tenantId, Guid id, DateTimeOffset now) => SqlStatement.Tagged("approval_requests.expire",
        """
        UPDATE approval_requests SET status = 'expired', decided_at = @now, updated_at = @now
        WHERE tenant_id = @tenant AND id = @id AND status = 'pending' AND expires_at <= @now
        """,
        ("now", now), ("tenant", tenantId), ("id", id));

    public static SqlStatement Execute(ApprovalRequest a, string? resultJson, DateTimeOffset now) => SqlStatement.Tagged("approval_requests.execute",
        """
        UPDATE approval_requests SET status = 'executed', executed_at = @now, updated_at = @now, result = @result, held_at = NULL
        WHERE tenant_id = @tenant AND id = @id AND status = 'approved'
        """,
        ("now", now), ("result", resultJson), ("tenant", a.TenantId), ("id", a.Id));

    public static SqlStatement Hold(ApprovalRequest a, DateTimeOffset now) => SqlStatement.Tagged("approval_requests.hold",
        "UPDATE approval_requests SET held_at = @now, updated_at = @now WHERE tenant_id = @tenant AND id = @id AND status = 'approved'",
        ("now", now), ("tenant", a.TenantId), ("id", a.Id));

    public static SqlStatement Release(ApprovalRequest a, Guid jobId, DateTimeOffset now) => SqlStatement.Tagged("approval_requests.release",
        """
        UPDATE approval_requests SET held_at = NULL, execution_job_id = @job, updated_at = @now
        WHERE tenant_id = @tenant AND id = @id AND status = 'approved' AND held_at IS NOT NULL
        """,
        ("job", jobId), ("now", now), ("tenant", a.TenantId), ("id", a.Id));

    /// <summary>Pending requests of every tenant past their expiry (the sweeper runs with <see cref="DbSession.AllTenants"/>).</summary>
    public static SqlStatement Due(DateTimeOffset now, int limit) => SqlStatement.Tagged("approval_requests.due",
        "SELECT id, tenant_id FROM approval_requests WHERE status = 'pending' AND expires_at <= @now ORDER BY expires_at LIMIT @limit",
        ("now", now), ("limit", limit));

    /// <summary>Approved requests whose execution the kill switch held.</summary>
    public static SqlStatement Held(int limit) => SqlStatement.Tagged("approval_requests.held",
        "SELECT id, tenant_id FROM approval_requests WHERE status = 'approved' AND held_at IS NOT NULL ORDER BY held_at LIMIT @limit",
        ("limit", limit));
}
