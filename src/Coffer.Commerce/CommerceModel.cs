using Coffer.Commerce.Catalog;
using Coffer.Commerce.Inventory;
using Coffer.Commerce.Orders;
using Coffer.Commerce.Payments;
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
        modelBuilder.Entity<StockLevel>(stock =>
        {
            stock.ToTable("commerce_inventory", table =>
            {
                table.HasCheckConstraint("ck_commerce_inventory_on_hand", "on_hand >= 0");
                table.HasCheckConstraint("ck_commerce_inventory_reserved", "reserved >= 0 AND reserved <= on_hand");
                table.HasCheckConstraint("ck_commerce_inventory_threshold", "low_stock_threshold >= 0");
            });
            stock.HasKey(s => s.VariantId);
            stock.Property(s => s.TenantId).HasMaxLength(64);
            stock.Ignore(s => s.Sku);
            stock.Ignore(s => s.Available);
            stock.HasOne<CatalogVariant>().WithOne().HasForeignKey<StockLevel>(s => new { s.VariantId, s.TenantId })
                .HasPrincipalKey<CatalogVariant>(v => new { v.Id, v.TenantId }).OnDelete(DeleteBehavior.Restrict);
            stock.HasIndex(s => new { s.TenantId, s.VariantId });
        });

        modelBuilder.Entity<StockAlert>(alert =>
        {
            alert.ToTable("commerce_stock_alerts", table => table.HasCheckConstraint("ck_commerce_stock_alerts_status",
                $"status IN ({string.Join(", ", StockAlert.Statuses.Select(s => $"'{s}'"))})"));
            alert.HasKey(a => a.Id);
            alert.Property(a => a.TenantId).HasMaxLength(64);
            alert.Property(a => a.Sku).HasMaxLength(CatalogRules.MaxSkuLength);
            alert.Property(a => a.Status).HasMaxLength(16);
            alert.Property(a => a.Detail).HasMaxLength(64);
            alert.HasOne<CatalogVariant>().WithMany().HasForeignKey(a => new { a.VariantId, a.TenantId })
                .HasPrincipalKey(v => new { v.Id, v.TenantId }).OnDelete(DeleteBehavior.Restrict);
            alert.HasIndex(a => new { a.TenantId, a.Status, a.Id });
            alert.HasIndex(a => new { a.TenantId, a.Id });
        });

        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("commerce_orders", table =>
            {
                table.HasCheckConstraint("ck_commerce_orders_status", $"status IN ({string.Join(", ", OrderStatuses.All.Select(s => $"'{s}'"))})");
                table.HasCheckConstraint("ck_commerce_orders_method", $"payment_method IN ({string.Join(", ", Order.Methods.Select(s => $"'{s}'"))})");
                table.HasCheckConstraint("ck_commerce_orders_stock", $"stock_status IN ({string.Join(", ", Order.StockStatuses.Select(s => $"'{s}'"))})");
                table.HasCheckConstraint("ck_commerce_orders_total", "total_minor > 0");
                // Refunds never add up to more than the order's total, in flight or done.
                table.HasCheckConstraint("ck_commerce_orders_refunds",
                    "refunded_minor >= 0 AND refund_pending_minor >= 0 AND refunded_minor + refund_pending_minor <= total_minor");
                table.HasCheckConstraint("ck_commerce_orders_wallet", "payment_method <> 'wallet' OR (wallet_id IS NOT NULL AND hold_id IS NOT NULL)");
                table.HasCheckConstraint("ck_commerce_orders_version", "version >= 1");
            });
            order.HasKey(o => o.Id);
            order.HasAlternateKey(o => new { o.Id, o.TenantId });
            order.Property(o => o.TenantId).HasMaxLength(64);
            order.Property(o => o.BuyerId).HasMaxLength(255);
            order.Property(o => o.Status).HasMaxLength(24);
            order.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
            order.Property(o => o.PaymentMethod).HasMaxLength(8);
            order.Property(o => o.PaymentReference).HasMaxLength(255);
            order.Property(o => o.ClientSecretToken).HasMaxLength(64);
            order.Property(o => o.ContactEmailToken).HasMaxLength(64);
            order.Property(o => o.StockStatus).HasMaxLength(16);
            order.Property(o => o.CancelReason).HasMaxLength(32);
            order.Property(o => o.TrackingNumber).HasMaxLength(ChangeOrderStatus.MaxTrackingNumberLength);
            order.Property(o => o.ShipmentReference).HasMaxLength(255);
            order.Property(o => o.ReceiptKey).HasMaxLength(512);
            order.Property(o => o.Version).HasDefaultValue(1L);
            order.Ignore(o => o.Refundable);
            order.Ignore(o => o.HoldReference);
            order.Ignore(o => o.IntentReference);
            order.HasIndex(o => new { o.TenantId, o.Id });
            order.HasIndex(o => new { o.TenantId, o.BuyerId, o.Id });
            order.HasIndex(o => new { o.TenantId, o.Status, o.Id });
            order.HasIndex(o => new { o.Status, o.ReservedUntil });
        });

        modelBuilder.Entity<OrderLine>(line =>
        {
            line.ToTable("commerce_order_lines", table =>
            {
                table.HasCheckConstraint("ck_commerce_order_lines_quantity", "quantity > 0");
                table.HasCheckConstraint("ck_commerce_order_lines_price", "unit_price_minor > 0");
            });
            line.HasKey(l => new { l.OrderId, l.LineNo });
            line.Property(l => l.TenantId).HasMaxLength(64);
            line.Property(l => l.Sku).HasMaxLength(CatalogRules.MaxSkuLength);
            line.Ignore(l => l.TotalMinor);
            line.HasOne<Order>().WithMany().HasForeignKey(l => new { l.OrderId, l.TenantId })
                .HasPrincipalKey(o => new { o.Id, o.TenantId }).OnDelete(DeleteBehavior.Restrict);
            line.HasOne<CatalogVariant>().WithMany().HasForeignKey(l => new { l.VariantId, l.TenantId })
                .HasPrincipalKey(v => new { v.Id, v.TenantId }).OnDelete(DeleteBehavior.Restrict);
            line.HasIndex(l => new { l.TenantId, l.OrderId });
            line.HasIndex(l => new { l.VariantId, l.TenantId });
        });

        modelBuilder.Entity<Refund>(refund =>
        {
            refund.ToTable("commerce_refunds", table =>
            {
                table.HasCheckConstraint("ck_commerce_refunds_status", $"status IN ({string.Join(", ", Refund.Statuses.Select(s => $"'{s}'"))})");
                table.HasCheckConstraint("ck_commerce_refunds_amount", "amount_minor > 0");
            });
            refund.HasKey(f => f.Id);
            refund.Property(f => f.TenantId).HasMaxLength(64);
            refund.Property(f => f.Currency).HasMaxLength(3).IsFixedLength();
            refund.Property(f => f.Method).HasMaxLength(8);
            refund.Property(f => f.Status).HasMaxLength(16);
            refund.Property(f => f.Reason).HasMaxLength(Refund.MaxReasonLength);
            refund.Property(f => f.Reference).HasMaxLength(255);
            refund.Property(f => f.ProviderReference).HasMaxLength(255);
            refund.Property(f => f.RequestedBy).HasMaxLength(255);
            refund.HasOne<Order>().WithMany().HasForeignKey(f => new { f.OrderId, f.TenantId })
                .HasPrincipalKey(o => new { o.Id, o.TenantId }).OnDelete(DeleteBehavior.Restrict);
            refund.HasIndex(f => new { f.TenantId, f.Reference }).IsUnique();
            refund.HasIndex(f => new { f.TenantId, f.OrderId, f.Id });
        });
    }
}
