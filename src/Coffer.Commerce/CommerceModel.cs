using Coffer.Commerce.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Commerce;

/// <summary>The commerce module's tables, with the constraints that make its rules the database's too.</summary>
public static class CommerceModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CatalogProduct>(product =>
        {
            product.ToTable("commerce_products", table =>
            {
                table.HasCheckConstraint("ck_commerce_products_status",
                    $"status IN ({string.Join(", ", CatalogStatuses.All.Select(s => $"'{s}'"))})");
                table.HasCheckConstraint("ck_commerce_products_version", "version >= 1");
            });
            product.HasKey(p => p.Id);
            product.HasAlternateKey(p => new { p.Id, p.TenantId });
            product.Property(p => p.TenantId).HasMaxLength(64);
            product.Property(p => p.Name).HasMaxLength(CatalogRules.MaxNameLength);
            product.Property(p => p.Description).HasMaxLength(CatalogRules.MaxDescriptionLength);
            product.Property(p => p.Status).HasMaxLength(16);
            product.Property(p => p.CreatedBy).HasMaxLength(255);
            product.Property(p => p.Version).HasDefaultValue(1L);
            product.HasIndex(p => new { p.TenantId, p.Status, p.Id });
            product.HasIndex(p => new { p.TenantId, p.Id });
        });

        modelBuilder.Entity<CatalogVariant>(variant =>
        {
            variant.ToTable("commerce_variants");
            variant.HasKey(v => v.Id);
            variant.HasAlternateKey(v => new { v.Id, v.TenantId });
            variant.Property(v => v.TenantId).HasMaxLength(64);
            variant.Property(v => v.Sku).HasMaxLength(CatalogRules.MaxSkuLength);
            variant.Property(v => v.Attributes).HasMaxLength(8000);
            variant.Ignore(v => v.AttributeMap);
            // A variant's product is of its own tenant: the composite key refuses a cross-tenant reference.
            variant.HasOne<CatalogProduct>().WithMany().HasForeignKey(v => new { v.ProductId, v.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            variant.HasIndex(v => new { v.TenantId, v.Sku }).IsUnique();
            variant.HasIndex(v => new { v.TenantId, v.ProductId, v.Id });
        });

        modelBuilder.Entity<VariantPrice>(price =>
        {
            price.ToTable("commerce_variant_prices", table =>
                table.HasCheckConstraint("ck_commerce_variant_prices_amount", "amount_minor > 0"));
            price.HasKey(p => new { p.VariantId, p.Currency });
            price.Property(p => p.TenantId).HasMaxLength(64);
            price.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            price.HasOne<CatalogVariant>().WithMany().HasForeignKey(p => new { p.VariantId, p.TenantId })
                .HasPrincipalKey(v => new { v.Id, v.TenantId }).OnDelete(DeleteBehavior.Restrict);
            price.HasIndex(p => new { p.TenantId, p.VariantId });
        });
    }
}
