using Coffer.Platform.Idempotency;
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
    }
}
