using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Approvals.Requests;

/// <summary>One partner's signature of one approval: UNIQUE (approval_id, partner_id) makes signers distinct in the database.</summary>
internal sealed record ApprovalSignature(Guid Id, string TenantId, Guid ApprovalId, Guid PartnerId, string Subject, DateTimeOffset SignedAt)
{
    public const string Columns = "id, tenant_id, approval_id, partner_id, subject, signed_at";

    public static ApprovalSignature Read(DbDataReader r) =>
        new(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetGuid(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5));

    /// <summary>Inserts unless this partner signed already (affects 0 rows then).</summary>
    public static SqlStatement Insert(ApprovalSignature s) => SqlStatement.Tagged("approval_signatures.insert",
        $"""
        INSERT INTO approval_signatures ({Columns}) VALUES (@id, @tenant, @approval, @partner, @subject, @signedAt)
        ON CONFLICT (approval_id, partner_id) DO NOTHING
        """,
        ("id", s.Id), ("tenant", s.TenantId), ("approval", s.ApprovalId), ("partner", s.PartnerId), ("subject", s.Subject),
        ("signedAt", s.SignedAt));

    public static SqlStatement Of(string tenantId, Guid approvalId) => SqlStatement.Tagged("approval_signatures.of",
        $"SELECT {Columns} FROM approval_signatures WHERE tenant_id = @tenant AND approval_id = @approval ORDER BY signed_at, id",
        ("tenant", tenantId), ("approval", approvalId));
}
