using Coffer.Investments.Dividends;
using Coffer.Investments.Investing;
using Coffer.Investments.Partners;
using Coffer.Investments.Products;
using Coffer.Investments.Reserves;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Investments;

/// <summary>The investment module's tables, with the constraints that make its rules the database's too.</summary>
public static class InvestmentsModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Partner>(partner =>
        {
            partner.ToTable("investment_partners", table =>
                table.HasCheckConstraint("ck_investment_partners_status", "status IN ('active', 'suspended')"));
            partner.HasKey(p => p.Id);
            partner.HasAlternateKey(p => new { p.Id, p.TenantId });
            partner.Property(p => p.TenantId).HasMaxLength(64);
            partner.Property(p => p.Name).HasMaxLength(100);
            partner.Property(p => p.BaseUrl).HasMaxLength(500);
            partner.Property(p => p.ApiKeySealed).HasMaxLength(2000);
            partner.Property(p => p.SecretSealed).HasMaxLength(2000);
            partner.Property(p => p.AccountToken).HasMaxLength(40);
            partner.Property(p => p.AccountLast4).HasMaxLength(4);
            partner.Property(p => p.Status).HasMaxLength(16);
            partner.Property(p => p.CreatedBy).HasMaxLength(255);
            partner.HasIndex(p => new { p.TenantId, p.Id });
        });

        modelBuilder.Entity<Product>(product =>
        {
            product.ToTable("investment_products", table =>
            {
                table.HasCheckConstraint("ck_investment_products_status", "status IN ('draft', 'open', 'closed')");
                table.HasCheckConstraint("ck_investment_products_amounts", "min_amount > 0 AND max_amount >= min_amount");
                table.HasCheckConstraint("ck_investment_products_rate", "annual_rate >= 0 AND annual_rate <= 1");
                table.HasCheckConstraint("ck_investment_products_term", "term_days > 0");
                table.HasCheckConstraint("ck_investment_products_risk", "risk_level IN ('low', 'medium', 'high')");
                table.HasCheckConstraint("ck_investment_products_partner_code", "(partner_id IS NULL) = (partner_product_code IS NULL)");
                table.HasCheckConstraint("ck_investment_products_version", "version >= 1");
                table.HasCheckConstraint("ck_investment_products_reserve_ratio", "reserve_ratio IS NULL OR (reserve_ratio >= 0 AND reserve_ratio <= 1)");
            });
            product.HasKey(p => p.Id);
            product.HasAlternateKey(p => new { p.Id, p.TenantId });
            product.Property(p => p.TenantId).HasMaxLength(64);
            product.Property(p => p.Name).HasMaxLength(100);
            product.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            product.Property(p => p.AnnualRate).HasPrecision(9, 6);
            product.Property(p => p.RiskLevel).HasMaxLength(16);
            product.Property(p => p.Status).HasMaxLength(16);
            product.Property(p => p.PartnerProductCode).HasMaxLength(64);
            product.Property(p => p.CreatedBy).HasMaxLength(255);
            product.Property(p => p.Version).HasDefaultValue(1L);
            product.Property(p => p.ReserveRatio).HasPrecision(9, 6);
            // A product's partner is of its own tenant: the composite key refuses a cross-tenant reference.
            product.HasOne<Partner>().WithMany().HasForeignKey(p => new { p.PartnerId, p.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            product.HasIndex(p => new { p.TenantId, p.Status, p.Id });
        });

        modelBuilder.Entity<ProductVersion>(version =>
        {
            version.ToTable("investment_product_versions", table =>
            {
                table.HasCheckConstraint("ck_investment_product_versions_version", "version >= 1");
                table.HasCheckConstraint("ck_investment_product_versions_action",
                    $"action IN ({string.Join(", ", ProductChangeActions.All.Select(a => $"'{a}'"))})");
            });
            version.HasKey(v => v.Id);
            version.Property(v => v.TenantId).HasMaxLength(64);
            version.Property(v => v.Action).HasMaxLength(32);
            version.Property(v => v.ChangedBy).HasMaxLength(255);
            version.Property(v => v.Before).HasMaxLength(8000);
            version.Property(v => v.After).HasMaxLength(8000);
            version.HasOne<Product>().WithMany().HasForeignKey(v => new { v.ProductId, v.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            // One row per version: two changes can never both claim the same one.
            version.HasIndex(v => new { v.TenantId, v.ProductId, v.Version }).IsUnique();
            version.HasIndex(v => new { v.TenantId, v.ProductId, v.Id });
        });

        modelBuilder.Entity<ReserveRun>(run =>
        {
            run.ToTable("reserve_runs", table =>
            {
                table.HasCheckConstraint("ck_reserve_runs_action", "action IN ('topup', 'release', 'release_pending', 'none')");
                table.HasCheckConstraint("ck_reserve_runs_status", "status IN ('completed', 'pending_approval', 'released', 'not_released')");
                table.HasCheckConstraint("ck_reserve_runs_amounts", "required >= 0 AND amount >= 0 AND (amount = 0) = (action = 'none')");
                table.HasCheckConstraint("ck_reserve_runs_ratio", "ratio >= 0 AND ratio <= 1");
                table.HasCheckConstraint("ck_reserve_runs_pending",
                    "(action = 'release_pending') = (approval_id IS NOT NULL) AND (status = 'completed') = (action <> 'release_pending')");
            });
            run.HasKey(r => r.Id);
            run.HasAlternateKey(r => new { r.Id, r.TenantId });
            run.Property(r => r.TenantId).HasMaxLength(64);
            run.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
            run.Property(r => r.Ratio).HasPrecision(9, 6);
            run.Property(r => r.Action).HasMaxLength(16);
            run.Property(r => r.Status).HasMaxLength(16);
            run.Property(r => r.TriggeredBy).HasMaxLength(255);
            run.HasOne<Product>().WithMany().HasForeignKey(r => new { r.ProductId, r.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            run.HasIndex(r => new { r.TenantId, r.ProductId, r.Id });
            run.HasIndex(r => new { r.TenantId, r.ProductId, r.Status });
        });

        modelBuilder.Entity<Investment>(investment =>
        {
            investment.ToTable("investments", table =>
            {
                table.HasCheckConstraint("ck_investments_status",
                    "status IN ('pending', 'executing', 'active', 'failed', 'redeeming', 'redeemed')");
                table.HasCheckConstraint("ck_investments_amount", "amount > 0");
                table.HasCheckConstraint("ck_investments_failed_has_reason", "(status = 'failed') = (failure_reason IS NOT NULL)");
                table.HasCheckConstraint("ck_investments_executed",
                    "(status IN ('active', 'redeeming', 'redeemed')) = (executed_at IS NOT NULL)");
            });
            investment.HasKey(i => i.Id);
            investment.HasAlternateKey(i => new { i.Id, i.TenantId });
            investment.Property(i => i.TenantId).HasMaxLength(64);
            investment.Property(i => i.OwnerId).HasMaxLength(255);
            investment.Property(i => i.Currency).HasMaxLength(3).IsFixedLength();
            investment.Property(i => i.Status).HasMaxLength(16);
            investment.Property(i => i.Reference).HasMaxLength(64);
            investment.Property(i => i.PartnerReferenceToken).HasMaxLength(40);
            investment.Property(i => i.FailureReason).HasMaxLength(500);
            investment.Property(i => i.CreatedBy).HasMaxLength(255);
            investment.HasOne<Product>().WithMany().HasForeignKey(i => new { i.ProductId, i.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            investment.HasIndex(i => new { i.TenantId, i.OwnerId, i.Id });
            investment.HasIndex(i => new { i.TenantId, i.ProductId, i.Status, i.Id });
            investment.HasIndex(i => new { i.TenantId, i.Reference }).IsUnique();
        });

        modelBuilder.Entity<DividendDistribution>(distribution =>
        {
            distribution.ToTable("dividend_distributions", table =>
            {
                table.HasCheckConstraint("ck_dividend_distributions_status", "status IN ('queued', 'running', 'completed', 'failed')");
                table.HasCheckConstraint("ck_dividend_distributions_total", "total_amount > 0");
            });
            distribution.HasKey(d => d.Id);
            distribution.HasAlternateKey(d => new { d.Id, d.TenantId });
            distribution.Property(d => d.TenantId).HasMaxLength(64);
            distribution.Property(d => d.Currency).HasMaxLength(3).IsFixedLength();
            distribution.Property(d => d.Reference).HasMaxLength(255);
            distribution.Property(d => d.Status).HasMaxLength(16);
            distribution.Property(d => d.FailureReason).HasMaxLength(500);
            distribution.Property(d => d.RequestedBy).HasMaxLength(255);
            distribution.HasOne<Product>().WithMany().HasForeignKey(d => new { d.ProductId, d.TenantId })
                .HasPrincipalKey(p => new { p.Id, p.TenantId }).OnDelete(DeleteBehavior.Restrict);
            distribution.HasOne<Investment>().WithMany().HasForeignKey(d => new { d.InvestmentId, d.TenantId })
                .HasPrincipalKey(i => new { i.Id, i.TenantId }).OnDelete(DeleteBehavior.Restrict);
            // The issuer's dividend reference, once per tenant: the same dividend cannot be declared twice.
            distribution.HasIndex(d => new { d.TenantId, d.Reference }).IsUnique();
            distribution.HasIndex(d => new { d.TenantId, d.ProductId, d.Id });
        });

        modelBuilder.Entity<DividendPayout>(payout =>
        {
            payout.ToTable("dividend_payouts", table =>
            {
                table.HasCheckConstraint("ck_dividend_payouts_status", "status IN ('pending', 'paid', 'failed')");
                table.HasCheckConstraint("ck_dividend_payouts_amount", "amount > 0");
                table.HasCheckConstraint("ck_dividend_payouts_paid_transfer", "(status = 'paid') = (transfer_id IS NOT NULL)");
            });
            payout.HasKey(p => p.Id);
            payout.Property(p => p.TenantId).HasMaxLength(64);
            payout.Property(p => p.Status).HasMaxLength(16);
            payout.Property(p => p.FailureReason).HasMaxLength(500);
            payout.HasOne<DividendDistribution>().WithMany().HasForeignKey(p => new { p.DistributionId, p.TenantId })
                .HasPrincipalKey(d => new { d.Id, d.TenantId }).OnDelete(DeleteBehavior.Restrict);
            payout.HasOne<Investment>().WithMany().HasForeignKey(p => new { p.InvestmentId, p.TenantId })
                .HasPrincipalKey(i => new { i.Id, i.TenantId }).OnDelete(DeleteBehavior.Restrict);
            // One payout per investment per distribution: allocated once, paid once.
            payout.HasIndex(p => new { p.DistributionId, p.InvestmentId }).IsUnique();
            payout.HasIndex(p => new { p.DistributionId, p.Status, p.InvestmentId });
        });
    }
}
