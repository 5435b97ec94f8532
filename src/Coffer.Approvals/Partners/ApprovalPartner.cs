using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Approvals.Partners;

/// <summary>Only an <c>active</c> approval partner signs or rejects; a <c>suspended</c> one is refused (403 <c>partner_suspended</c>).</summary>
internal static class ApprovalPartnerStatuses
{
    public const string Active = "active";
    public const string Suspended = "suspended";
}

/// <summary>
/// A signer: the JWT subject of a caller with role <c>partner</c>, registered by an admin of the tenant. A token with role
/// <c>partner</c> alone does not sign; its subject must be here, active, once per tenant.
/// </summary>
internal sealed class ApprovalPartner
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Subject { get; set; }
    public required string DisplayName { get; set; }
    public required string Status { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public const string Columns = "id, tenant_id, subject, display_name, status, created_by, created_at, updated_at";

    public static ApprovalPartner Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        Subject = r.GetString(2),
        DisplayName = r.GetString(3),
        Status = r.GetString(4),
        CreatedBy = r.GetString(5),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(6),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(7),
    };

    /// <summary>Inserts unless the subject is a partner of the tenant already (affects 0 rows then).</summary>
    public static SqlStatement Insert(ApprovalPartner p) => SqlStatement.Tagged("approval_partners.insert",
        $"""
        INSERT INTO approval_partners ({Columns})
        VALUES (@id, @tenant, @subject, @displayName, @status, @createdBy, @now, @now)
        ON CONFLICT (tenant_id, subject) DO NOTHING
        """,
        ("id", p.Id), ("tenant", p.TenantId), ("subject", p.Subject), ("displayName", p.DisplayName), ("status", p.Status),
        ("createdBy", p.CreatedBy), ("now", p.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("approval_partners.find",
        $"SELECT {Columns} FROM approval_partners WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}",
        ("tenant", tenantId), ("id", id));

    public static SqlStatement BySubject(string tenantId, string subject) => SqlStatement.Tagged("approval_partners.by_subject",
        $"SELECT {Columns} FROM approval_partners WHERE tenant_id = @tenant AND subject = @subject",
        ("tenant", tenantId), ("subject", subject));

    public static SqlStatement Page(string tenantId, Guid? after, int limit) => SqlStatement.Tagged("approval_partners.page",
        $"SELECT {Columns} FROM approval_partners WHERE tenant_id = @tenant" + (after is null ? "" : " AND id > @after")
        + " ORDER BY id LIMIT @limit",
        ("tenant", tenantId), ("after", after), ("limit", limit));

    public static SqlStatement SetStatus(ApprovalPartner p, string status, DateTimeOffset now) => SqlStatement.Tagged("approval_partners.status",
        "UPDATE approval_partners SET status = @status, updated_at = @now WHERE tenant_id = @tenant AND id = @id",
        ("status", status), ("now", now), ("tenant", p.TenantId), ("id", p.Id));
}

/// <summary>An approval partner as admins read it.</summary>
internal sealed record ApprovalPartnerResponse(
    Guid Id, string Subject, string DisplayName, string Status, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ApprovalPartnerResponse From(ApprovalPartner p) =>
        new(p.Id, p.Subject, p.DisplayName, p.Status, p.CreatedBy, p.CreatedAt, p.UpdatedAt);
}
