using Coffer.Ledger.Reconciliation;
using Coffer.Ledger.Accounts;
using Coffer.Ledger.Holds;
using Coffer.Ledger.Withdrawals;
using Coffer.Ledger.Transfers;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Ledger;

/// <summary>The ledger's tables and the constraints that make its invariants the database's too.</summary>
public static class LedgerModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>(account =>
        {
            account.ToTable("accounts", table =>
            {
                table.HasCheckConstraint("ck_accounts_totals_non_negative",
                    "posted_debits >= 0 AND posted_credits >= 0 AND pending_debits >= 0 AND pending_credits >= 0");
                table.HasCheckConstraint("ck_accounts_no_overdraft",
                    "allow_negative OR posted_credits - posted_debits - pending_debits >= 0");
                table.HasCheckConstraint("ck_accounts_kind", "kind IN ('wallet', 'system')");
            });
            account.HasKey(a => a.Id);
            // Transfers reference (id, tenant, currency): the database itself refuses a cross-tenant or cross-currency movement.
            account.HasAlternateKey(a => new { a.Id, a.TenantId, a.Currency });
            account.Property(a => a.TenantId).HasMaxLength(64);
            account.Property(a => a.OwnerId).HasMaxLength(255);
            account.Property(a => a.Kind).HasMaxLength(16);
            account.Property(a => a.SystemCode).HasMaxLength(32);
            account.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
            account.Property(a => a.Name).HasMaxLength(100);
            account.HasIndex(a => new { a.TenantId, a.OwnerId, a.Id });
            account.HasIndex(a => new { a.TenantId, a.Currency, a.SystemCode }).IsUnique().HasFilter("system_code IS NOT NULL");
        });

        modelBuilder.Entity<Transfer>(transfer =>
        {
            transfer.ToTable("transfers", table =>
            {
                table.HasCheckConstraint("ck_transfers_amount_positive", "amount > 0");
                table.HasCheckConstraint("ck_transfers_distinct_accounts", "debit_account_id <> credit_account_id");
                table.HasCheckConstraint("ck_transfers_kind", "kind IN ('posted', 'pending', 'post_pending', 'void_pending')");
                table.HasCheckConstraint("ck_transfers_resolution_references_pending",
                    "(kind IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL)");
            });
            transfer.HasKey(t => t.Id);
            transfer.Property(t => t.TenantId).HasMaxLength(64);
            transfer.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
            transfer.Property(t => t.Code).HasMaxLength(32);
            transfer.Property(t => t.Kind).HasMaxLength(16);
            transfer.Property(t => t.ExternalReference).HasMaxLength(255);
            transfer.Property(t => t.Description).HasMaxLength(500);
            transfer.Property(t => t.Metadata).HasMaxLength(20_000);
            transfer.HasOne<Account>().WithMany().HasForeignKey(t => new { t.DebitAccountId, t.TenantId, t.Currency })
                .HasPrincipalKey(a => new { a.Id, a.TenantId, a.Currency }).OnDelete(DeleteBehavior.Restrict);
            transfer.HasOne<Account>().WithMany().HasForeignKey(t => new { t.CreditAccountId, t.TenantId, t.Currency })
                .HasPrincipalKey(a => new { a.Id, a.TenantId, a.Currency }).OnDelete(DeleteBehavior.Restrict);
            transfer.HasOne<Transfer>().WithMany().HasForeignKey(t => t.PendingId).OnDelete(DeleteBehavior.Restrict);
            transfer.HasOne<Transfer>().WithMany().HasForeignKey(t => t.ReversalOf).OnDelete(DeleteBehavior.Restrict);
            transfer.HasIndex(t => new { t.DebitAccountId, t.Id });
            transfer.HasIndex(t => new { t.CreditAccountId, t.Id });
            // A pending transfer resolves at most once; a transfer is reversed at most once; an external
            // reference is used once per tenant. Partial: most transfers have none of these, and an index
            // entry per NULL would be written on every transfer for nothing.
            transfer.HasIndex(t => t.PendingId).IsUnique().HasFilter("pending_id IS NOT NULL");
            transfer.HasIndex(t => t.ReversalOf).IsUnique().HasFilter("reversal_of IS NOT NULL");
            transfer.HasIndex(t => new { t.TenantId, t.ExternalReference }).IsUnique().HasFilter("external_reference IS NOT NULL");
        });

        modelBuilder.Entity<Withdrawal>(withdrawal =>
        {
            withdrawal.ToTable("withdrawals", table =>
            {
                table.HasCheckConstraint("ck_withdrawals_status", "status IN ('queued', 'paid', 'failed')");
                table.HasCheckConstraint("ck_withdrawals_amount", "amount > 0");
            });
            withdrawal.HasKey(w => w.Id);
            withdrawal.Property(w => w.TenantId).HasMaxLength(64);
            withdrawal.Property(w => w.OwnerId).HasMaxLength(255);
            withdrawal.Property(w => w.RequestedBy).HasMaxLength(255);
            withdrawal.Property(w => w.Currency).HasMaxLength(3).IsFixedLength();
            withdrawal.Property(w => w.DestinationToken).HasMaxLength(40);
            withdrawal.Property(w => w.DestinationLast4).HasMaxLength(4);
            withdrawal.Property(w => w.Status).HasMaxLength(16);
            withdrawal.Property(w => w.ProviderReference).HasMaxLength(255);
            withdrawal.Property(w => w.FailureReason).HasMaxLength(500);
            withdrawal.HasOne<Account>().WithMany().HasForeignKey(w => w.AccountId).OnDelete(DeleteBehavior.Restrict);
            withdrawal.HasOne<Hold>().WithOne().HasForeignKey<Withdrawal>(w => w.HoldId).OnDelete(DeleteBehavior.Restrict);
            withdrawal.HasIndex(w => new { w.TenantId, w.AccountId, w.CreatedAt });
        });

        modelBuilder.Entity<Hold>(hold =>
        {
            hold.ToTable("holds", table =>
            {
                table.HasCheckConstraint("ck_holds_status", "status IN ('pending', 'captured', 'voided', 'expired')");
                table.HasCheckConstraint("ck_holds_captured_within_amount",
                    "captured_amount IS NULL OR (captured_amount > 0 AND captured_amount <= amount)");
                table.HasCheckConstraint("ck_holds_resolution",
                    "(status = 'pending') = (resolution_transfer_id IS NULL AND resolved_at IS NULL)");
            });
            hold.HasKey(h => h.Id);
            hold.Property(h => h.TenantId).HasMaxLength(64);
            hold.Property(h => h.Currency).HasMaxLength(3).IsFixedLength();
            hold.Property(h => h.Status).HasMaxLength(16);
            hold.HasOne<Transfer>().WithOne().HasForeignKey<Hold>(h => h.Id).OnDelete(DeleteBehavior.Restrict);
            hold.HasOne<Transfer>().WithMany().HasForeignKey(h => h.ResolutionTransferId).OnDelete(DeleteBehavior.Restrict);
            hold.HasIndex(h => new { h.Status, h.ExpiresAt });
        });

        modelBuilder.Entity<ReconciliationRun>(run =>
        {
            run.ToTable("reconciliation_runs", table => table.HasCheckConstraint("ck_reconciliation_runs_status",
                "status IN ('clean', 'mismatch', 'failed')"));
            run.HasKey(r => r.Id);
            run.Property(r => r.Trigger).HasMaxLength(16);
            run.Property(r => r.Status).HasMaxLength(16);
            run.HasIndex(r => r.Status);
        });
    }
}
