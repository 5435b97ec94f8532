using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Dividends;

/// <summary>
/// <c>queued</c> (accepted, job not yet run) → <c>running</c> (payouts allocated, being paid) → <c>completed</c> (every payout
/// settled), or <c>failed</c> (nothing to pay: no active investment by the time the job ran).
/// </summary>
internal static class DistributionStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool CanMove(string from, string to) => (from, to) is (Queued, Running) or (Queued, Failed) or (Running, Completed);

    /// <summary>Asserts a transition: the job moves a distribution only along its lifecycle, so this throwing is a bug.</summary>
    public static void Require(string from, string to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"A dividend distribution cannot move from {from} to {to}.");
        }
    }
}

/// <summary>
/// One dividend: <see cref="TotalAmount"/> from a product's dividend pool, to one investment (<see cref="InvestmentId"/> set) or
/// pro rata over the product's active investments. <see cref="Reference"/> (the issuer's id of the dividend) is unique per tenant.
/// </summary>
internal sealed class DividendDistribution
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid ProductId { get; set; }
    public Guid? InvestmentId { get; set; }
    public long TotalAmount { get; set; }
    public required string Currency { get; set; }
    public required string Reference { get; set; }
    public required string Status { get; set; }
    public Guid JobId { get; set; }
    public string? FailureReason { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public const string Columns =
        "id, tenant_id, product_id, investment_id, total_amount, currency, reference, status, job_id, failure_reason, requested_by, "
        + "created_at, updated_at, completed_at";

    public static DividendDistribution Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        ProductId = r.GetGuid(2),
        InvestmentId = r.IsDBNull(3) ? null : r.GetGuid(3),
        TotalAmount = r.GetInt64(4),
        Currency = r.GetString(5),
        Reference = r.GetString(6),
        Status = r.GetString(7),
        JobId = r.GetGuid(8),
        FailureReason = r.IsDBNull(9) ? null : r.GetString(9),
        RequestedBy = r.GetString(10),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(11),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(12),
        CompletedAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
    };

    public const string InsertTag = "dividend_distributions.insert";

    public static SqlStatement Insert(DividendDistribution d) => SqlStatement.Tagged(InsertTag,
        $"""
        INSERT INTO dividend_distributions ({Columns})
        VALUES (@id, @tenant, @product, @investment, @total, @currency, @reference, @status, @job, NULL, @requestedBy, @now, @now, NULL)
        """,
        ("id", d.Id), ("tenant", d.TenantId), ("product", d.ProductId), ("investment", d.InvestmentId), ("total", d.TotalAmount),
        ("currency", d.Currency), ("reference", d.Reference), ("status", d.Status), ("job", d.JobId), ("requestedBy", d.RequestedBy),
        ("now", d.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("dividend_distributions.find",
        $"SELECT {Columns} FROM dividend_distributions WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}",
        ("tenant", tenantId), ("id", id));

    public static SqlStatement FindByReference(string tenantId, string reference) => SqlStatement.Tagged("dividend_distributions.by_reference",
        $"SELECT {Columns} FROM dividend_distributions WHERE tenant_id = @tenant AND reference = @reference",
        ("tenant", tenantId), ("reference", reference));

    public static SqlStatement PageOfProduct(string tenantId, Guid productId, Guid? after, int limit) =>
        SqlStatement.Tagged("dividend_distributions.page",
            $"SELECT {Columns} FROM dividend_distributions WHERE tenant_id = @tenant AND product_id = @product"
            + (after is null ? "" : " AND id > @after") + " ORDER BY id LIMIT @limit",
            ("tenant", tenantId), ("product", productId), ("after", after), ("limit", limit));

    /// <summary>
    /// The step from the distribution's current status to <paramref name="status"/>, conditional on that current status: a
    /// stale attempt's step matches no row instead of undoing a newer one.
    /// </summary>
    public static SqlStatement MoveTo(DividendDistribution d, string status, string? failureReason, DateTimeOffset now)
    {
        DistributionStatuses.Require(d.Status, status);
        return SqlStatement.Tagged("dividend_distributions.status",
            """
            UPDATE dividend_distributions SET status = @status, failure_reason = @reason, updated_at = @now,
                completed_at = CASE WHEN @status IN ('completed', 'failed') THEN @now ELSE completed_at END
            WHERE tenant_id = @tenant AND id = @id AND status = @from
            """,
            ("status", status), ("reason", failureReason), ("now", now), ("tenant", d.TenantId), ("id", d.Id), ("from", d.Status));
    }
}
