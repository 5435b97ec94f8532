using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Dividends;

internal static class PayoutStatuses
{
    public const string Pending = "pending";
    public const string Paid = "paid";
    public const string Failed = "failed";
}

/// <summary>
/// One investment's part of a distribution. Unique per (distribution, investment), and paid by a ledger movement whose reference
/// derives from both (<see cref="LedgerReference"/>): allocated once, paid once, however often the job runs.
/// </summary>
internal sealed class DividendPayout
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid DistributionId { get; set; }
    public Guid InvestmentId { get; set; }
    public Guid AccountId { get; set; }
    public long Amount { get; set; }
    public required string Status { get; set; }
    public Guid? TransferId { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public const string Columns = "id, tenant_id, distribution_id, investment_id, account_id, amount, status, transfer_id, failure_reason, updated_at";

    public string LedgerReference => $"dividend:{DistributionId:N}:{InvestmentId:N}";

    public static DividendPayout Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        DistributionId = r.GetGuid(2),
        InvestmentId = r.GetGuid(3),
        AccountId = r.GetGuid(4),
        Amount = r.GetInt64(5),
        Status = r.GetString(6),
        TransferId = r.IsDBNull(7) ? null : r.GetGuid(7),
        FailureReason = r.IsDBNull(8) ? null : r.GetString(8),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(9),
    };

    public static SqlStatement Insert(DividendPayout p) => SqlStatement.Tagged("dividend_payouts.insert",
        $"""
        INSERT INTO dividend_payouts ({Columns})
        VALUES (@id, @tenant, @distribution, @investment, @account, @amount, @status, NULL, NULL, @now)
        """,
        ("id", p.Id), ("tenant", p.TenantId), ("distribution", p.DistributionId), ("investment", p.InvestmentId), ("account", p.AccountId),
        ("amount", p.Amount), ("status", p.Status), ("now", p.UpdatedAt));

    /// <summary>The next <paramref name="limit"/> pending payouts of a distribution, in investment order.</summary>
    public static SqlStatement NextPending(string tenantId, Guid distributionId, int limit, DatabaseProvider provider) =>
        SqlStatement.Tagged("dividend_payouts.next_pending",
            $"""
            SELECT {Columns} FROM dividend_payouts WHERE tenant_id = @tenant AND distribution_id = @distribution AND status = 'pending'
            ORDER BY investment_id LIMIT @limit{provider.ForUpdate()}
            """,
            ("tenant", tenantId), ("distribution", distributionId), ("limit", limit));

    public static SqlStatement Settle(DividendPayout p, string status, Guid? transferId, string? reason, DateTimeOffset now) =>
        SqlStatement.Tagged("dividend_payouts.settle",
            """
            UPDATE dividend_payouts SET status = @status, transfer_id = @transfer, failure_reason = @reason, updated_at = @now
            WHERE id = @id AND status = 'pending'
            """,
            ("status", status), ("transfer", transferId), ("reason", reason), ("now", now), ("id", p.Id));

    /// <summary>Counts and sums by status: the progress of a distribution.</summary>
    public static SqlStatement Progress(string tenantId, Guid distributionId) => SqlStatement.Tagged("dividend_payouts.progress",
        """
        SELECT status, COUNT(*), COALESCE(SUM(amount), 0) FROM dividend_payouts
        WHERE tenant_id = @tenant AND distribution_id = @distribution GROUP BY status
        """,
        ("tenant", tenantId), ("distribution", distributionId));
}
