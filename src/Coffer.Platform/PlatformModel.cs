using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Jobs;
using Coffer.Platform.Webhooks;
using Coffer.Platform.Protection;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Platform;

/// <summary>The tables the platform owns, contributed to the one migrations model.</summary>
public static class PlatformModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<IdempotencyRecord>(record =>
        {
            record.ToTable("idempotency_records");
            record.HasKey(r => new { r.TenantId, r.Subject, r.Key });
            record.Property(r => r.TenantId).HasMaxLength(64);
            record.Property(r => r.Subject).HasMaxLength(255);
            record.Property(r => r.Key).HasMaxLength(IdempotencySettings.MaxKeyLength);
            record.Property(r => r.RequestHash).HasMaxLength(64);
            record.Property(r => r.ResponseContentType).HasMaxLength(100);
            record.Property(r => r.ResponseLocation).HasMaxLength(500);
            record.HasIndex(r => r.ExpiresAt);
        });

        modelBuilder.Entity<AuditChain>(chain =>
        {
            chain.ToTable("audit_chains");
            chain.HasKey(c => c.ChainId);
            chain.Property(c => c.ChainId).HasMaxLength(80);
            chain.Property(c => c.TenantId).HasMaxLength(64);
            chain.Property(c => c.HeadHash).HasMaxLength(64).IsFixedLength();
            chain.Property(c => c.PreviousHash).HasMaxLength(64).IsFixedLength();
            chain.Property(c => c.LastContentHash).HasMaxLength(64).IsFixedLength();
            chain.ToTable(t => t.HasCheckConstraint("ck_audit_chains_length", "length >= 1"));
        });

        modelBuilder.Entity<AuditEvent>(e =>
        {
            e.ToTable("audit_events");
            // Keyed by tenant first: the key's index also serves "a tenant's events, newest first".
            e.HasKey(x => new { x.TenantId, x.Id });
            e.Property(x => x.TenantId).HasMaxLength(64);
            e.Property(x => x.ChainId).HasMaxLength(80);
            e.Property(x => x.Actor).HasMaxLength(255);
            e.Property(x => x.ActorType).HasMaxLength(32);
            e.Property(x => x.Action).HasMaxLength(100);
            e.Property(x => x.ResourceType).HasMaxLength(64);
            e.Property(x => x.ResourceId).HasMaxLength(255);
            e.Property(x => x.RequestId).HasMaxLength(64);
            e.Property(x => x.IpAddress).HasMaxLength(45);
            e.Property(x => x.UserAgent).HasMaxLength(AuditActor.MaxUserAgentLength);
            e.Property(x => x.PreviousHash).HasMaxLength(64).IsFixedLength();
            e.Property(x => x.Hash).HasMaxLength(64).IsFixedLength();
            // Position in the chain: unique, so a chain can neither fork nor hold a duplicate.
            e.HasIndex(x => new { x.ChainId, x.Sequence }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.ResourceType, x.ResourceId });
            e.HasIndex(x => new { x.TenantId, x.Actor });
        });

        modelBuilder.Entity<FeatureFlagRecord>(flag =>
        {
            // Platform-wide, not tenant-scoped: overrides name tenants, and only the platform tenant's admins manage flags.
            flag.ToTable("feature_flags", t => t.HasCheckConstraint("ck_feature_flags_rollout", "rollout_basis_points BETWEEN 0 AND 10000"));
            flag.HasKey(f => f.Key);
            flag.Property(f => f.Key).HasMaxLength(FlagCatalog.MaxKeyLength);
            flag.Property(f => f.Description).HasMaxLength(FlagRequest.MaxDescriptionLength);
            flag.Property(f => f.UpdatedBy).HasMaxLength(255);
        });

        modelBuilder.Entity<JobRecord>(job =>
        {
            job.ToTable("jobs", t => t.HasCheckConstraint("ck_jobs_status",
                "status IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'discarded')"));
            job.HasKey(j => j.Id);
            job.Property(j => j.TenantId).HasMaxLength(64);
            job.Property(j => j.Type).HasMaxLength(64);
            job.Property(j => j.Status).HasMaxLength(16);
            job.Property(j => j.LeaseOwner).HasMaxLength(100);
            job.Property(j => j.LastError).HasMaxLength(JobRunner.MaxErrorLength);
            job.Property(j => j.OwnerSubject).HasMaxLength(255);
            job.Property(j => j.TraceParent).HasMaxLength(600);
            // Workers look for due work by status and time; operators list a tenant's jobs newest first.
            job.HasIndex(j => new { j.Status, j.NextRunAt });
            job.HasIndex(j => new { j.TenantId, j.Status, j.Id });
            job.HasIndex(j => new { j.Status, j.FinishedAt });
            // The RabbitMQ relay looks for due jobs never published (dispatched_at NULL) or published long ago; without this
            // it would read past every published job still waiting in the broker on each poll.
            job.HasIndex(j => new { j.DispatchedAt, j.Status, j.NextRunAt });
        });

        modelBuilder.Entity<WebhookReceipt>(receipt =>
        {
            receipt.ToTable("webhook_receipts");
            receipt.HasKey(r => new { r.Source, r.WebhookId });
            receipt.Property(r => r.Source).HasMaxLength(32);
            receipt.Property(r => r.WebhookId).HasMaxLength(WebhookReceipt.MaxIdLength);
            receipt.HasIndex(r => r.ReceivedAt);
        });

        modelBuilder.Entity<TokenRecord>(token =>
        {
            // The tokenization vault: sealed values only (FieldEncryption), under row-level security per tenant on PostgreSQL.
            token.ToTable("tokens", t => t.HasCheckConstraint("ck_tokens_key_version", "key_version >= 1"));
            token.HasKey(t => t.Token);
            token.Property(t => t.Token).HasMaxLength(TokenFormat.MaxTokenLength);
            token.Property(t => t.TenantId).HasMaxLength(TokenFormat.MaxTenantLength);
            token.Property(t => t.Kind).HasMaxLength(TokenFormat.MaxKindLength);
            token.Property(t => t.Last4).HasMaxLength(4);
            token.HasIndex(t => new { t.TenantId, t.Kind });
        });
    }
}
