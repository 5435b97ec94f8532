using Coffer.Approvals.Partners;
using Coffer.Approvals.Policies;
using Coffer.Approvals.Requests;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Approvals;

/// <summary>The approvals module's tables, with the constraints that make its rules the database's too.</summary>
public static class ApprovalsModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ApprovalPartner>(partner =>
        {
            partner.ToTable("approval_partners", table =>
                table.HasCheckConstraint("ck_approval_partners_status", "status IN ('active', 'suspended')"));
            partner.HasKey(p => p.Id);
            partner.HasAlternateKey(p => new { p.Id, p.TenantId });
            partner.Property(p => p.TenantId).HasMaxLength(64);
            partner.Property(p => p.Subject).HasMaxLength(255);
            partner.Property(p => p.DisplayName).HasMaxLength(100);
            partner.Property(p => p.Status).HasMaxLength(16);
            partner.Property(p => p.CreatedBy).HasMaxLength(255);
            // One registration per subject and tenant (the create endpoint's ON CONFLICT target).
            partner.HasIndex(p => new { p.TenantId, p.Subject }).IsUnique();
        });

        modelBuilder.Entity<ApprovalPolicy>(policy =>
        {
            policy.ToTable("approval_policies", table =>
            {
                table.HasCheckConstraint("ck_approval_policies_signatures", "required_signatures BETWEEN 1 AND 10");
                table.HasCheckConstraint("ck_approval_policies_ttl", "ttl_seconds BETWEEN 60 AND 2592000");
                table.HasCheckConstraint("ck_approval_policies_version", "version >= 1");
            });
            policy.HasKey(p => p.Id);
            policy.HasAlternateKey(p => new { p.Id, p.TenantId });
            policy.Property(p => p.TenantId).HasMaxLength(64);
            policy.Property(p => p.Operation).HasMaxLength(64);
            policy.Property(p => p.Thresholds).HasMaxLength(4000);
            policy.Property(p => p.UpdatedBy).HasMaxLength(255);
            policy.HasIndex(p => new { p.TenantId, p.Operation }).IsUnique();
        });

        modelBuilder.Entity<ApprovalPolicyVersion>(version =>
        {
            version.ToTable("approval_policy_versions");
            version.HasKey(v => v.Id);
            version.Property(v => v.TenantId).HasMaxLength(64);
            version.Property(v => v.Operation).HasMaxLength(64);
            version.Property(v => v.ChangedBy).HasMaxLength(255);
            version.Property(v => v.Before).HasMaxLength(8000);
            version.Property(v => v.After).HasMaxLength(8000);
            // One row per version: two changes from the same version cannot both be kept.
            version.HasIndex(v => new { v.TenantId, v.Operation, v.Version }).IsUnique();
        });

        modelBuilder.Entity<ApprovalRequest>(request =>
        {
            request.ToTable("approval_requests", table =>
            {
                table.HasCheckConstraint("ck_approval_requests_status", "status IN ('pending', 'approved', 'executed', 'rejected', 'expired')");
                table.HasCheckConstraint("ck_approval_requests_signatures", "required_signatures BETWEEN 1 AND 10");
                table.HasCheckConstraint("ck_approval_requests_amount", "(amount IS NULL) = (currency IS NULL) AND (amount IS NULL OR amount >= 0)");
                table.HasCheckConstraint("ck_approval_requests_decided", "(status = 'pending') = (decided_at IS NULL)");
                table.HasCheckConstraint("ck_approval_requests_executed", "(status = 'executed') = (executed_at IS NOT NULL)");
                table.HasCheckConstraint("ck_approval_requests_rejected", "(status = 'rejected') = (rejected_by IS NOT NULL)");
                table.HasCheckConstraint("ck_approval_requests_job", "(status IN ('approved', 'executed')) = (execution_job_id IS NOT NULL)");
                table.HasCheckConstraint("ck_approval_requests_held", "held_at IS NULL OR status = 'approved'");
            });
            request.HasKey(a => a.Id);
            request.HasAlternateKey(a => new { a.Id, a.TenantId });
            request.Property(a => a.TenantId).HasMaxLength(64);
            request.Property(a => a.Operation).HasMaxLength(64);
            request.Property(a => a.Payload).HasMaxLength(16384);
            request.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
            request.Property(a => a.ResourceId).HasMaxLength(255);
            request.Property(a => a.InputsHash).HasMaxLength(64).IsFixedLength();
            request.Property(a => a.RequestedBy).HasMaxLength(255);
            request.Property(a => a.Status).HasMaxLength(16);
            request.Property(a => a.RejectedBy).HasMaxLength(255);
            request.Property(a => a.RejectionReason).HasMaxLength(500);
            request.Property(a => a.Result).HasMaxLength(16384);
            request.HasOne<ApprovalPolicy>().WithMany().HasForeignKey(a => new { a.PolicyId, a.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            request.HasIndex(a => new { a.TenantId, a.Status, a.Id });
            request.HasIndex(a => new { a.TenantId, a.RequestedBy, a.Id });
            request.HasIndex(a => new { a.TenantId, a.Operation, a.InputsHash, a.CreatedAt });
            request.HasIndex(a => new { a.Status, a.ExpiresAt });
        });

        modelBuilder.Entity<ApprovalSignature>(signature =>
        {
            signature.ToTable("approval_signatures");
            signature.HasKey(s => s.Id);
            signature.Property(s => s.TenantId).HasMaxLength(64);
            signature.Property(s => s.Subject).HasMaxLength(255);
            signature.HasOne<ApprovalRequest>().WithMany().HasForeignKey(s => new { s.ApprovalId, s.TenantId })
                .HasPrincipalKey(a => new { a.Id, a.TenantId }).OnDelete(DeleteBehavior.Restrict);
            signature.HasOne<ApprovalPartner>().WithMany().HasForeignKey(s => new { s.PartnerId, s.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            // Distinct signers, by the database (the signing endpoint's ON CONFLICT target).
            signature.HasIndex(s => new { s.ApprovalId, s.PartnerId }).IsUnique();
        });
    }
}
