using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Investing;

/// <summary>
/// One customer's investment of <see cref="Amount"/> from a wallet into a product. <see cref="Reference"/> is what Coffer
/// sends the partner (and the ledger's references derive from the id); the partner's own reference is kept only as a token.
/// </summary>
internal sealed class Investment
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid ProductId { get; set; }
    public Guid AccountId { get; set; }
    public required string OwnerId { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public required string Status { get; set; }
    public required string Reference { get; set; }
    public string? PartnerReferenceToken { get; set; }
    public string? FailureReason { get; set; }
    public Guid? ExecuteJobId { get; set; }
    public Guid? RedeemJobId { get; set; }
    public long? ReturnPaid { get; set; }
    public DateTimeOffset? ExecutedAt { get; set; }
    public DateTimeOffset? RedeemedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public const string Columns =
        "id, tenant_id, product_id, account_id, owner_id, amount, currency, status, reference, partner_reference_token, failure_reason, "
        + "execute_job_id, redeem_job_id, return_paid, executed_at, redeemed_at, created_by, created_at, updated_at";

    public static Investment Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        ProductId = r.GetGuid(2),
        AccountId = r.GetGuid(3),
        OwnerId = r.GetString(4),
        Amount = r.GetInt64(5),
        Currency = r.GetString(6),
        Status = r.GetString(7),
        Reference = r.GetString(8),
        PartnerReferenceToken = r.IsDBNull(9) ? null : r.GetString(9),
        FailureReason = r.IsDBNull(10) ? null : r.GetString(10),
        ExecuteJobId = r.IsDBNull(11) ? null : r.GetGuid(11),
        RedeemJobId = r.IsDBNull(12) ? null : r.GetGuid(12),
        ReturnPaid = r.IsDBNull(13) ? null : r.GetInt64(13),
        ExecutedAt = r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
        RedeemedAt = r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15),
        CreatedBy = r.GetString(16),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(17),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(18),
    };

    /// <summary>The ledger reference of the execution's debit (wallet → custody): one per investment, ever.</summary>
    public string DebitReference => $"investment:{Id:N}:debit";

    /// <summary>The ledger reference of the compensation (custody → wallet) when the partner refuses after the debit.</summary>
    public string CompensationReference => $"investment:{Id:N}:compensation";

    public string PrincipalReturnReference => $"investment:{Id:N}:principal";

    public string AccruedReturnReference => $"investment:{Id:N}:return";

    public static string ReferenceFor(Guid id) => $"inv_{id:N}";

    public static SqlStatement Insert(Investment i) => SqlStatement.Tagged("investments.insert",
        $"""
        INSERT INTO investments ({Columns})
        VALUES (@id, @tenant, @product, @account, @owner, @amount, @currency, @status, @reference, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, @createdBy, @now, @now)
        """,
        ("id", i.Id), ("tenant", i.TenantId), ("product", i.ProductId), ("account", i.AccountId), ("owner", i.OwnerId),
        ("amount", i.Amount), ("currency", i.Currency), ("status", i.Status), ("reference", i.Reference), ("createdBy", i.CreatedBy),
        ("now", i.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("investments.find",
        $"SELECT {Columns} FROM investments WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}", ("tenant", tenantId), ("id", id));

    /// <summary>A page in id order; <paramref name="owner"/> limits it to one customer's, the other filters apply when given.</summary>
    public static SqlStatement Page(string tenantId, string? owner, Guid? productId, string? status, Guid? after, int limit) =>
        SqlStatement.Tagged("investments.page",
            $"SELECT {Columns} FROM investments WHERE tenant_id = @tenant"
            + (owner is null ? "" : " AND owner_id = @owner") + (productId is null ? "" : " AND product_id = @product")
            + (status is null ? "" : " AND status = @status") + (after is null ? "" : " AND id > @after") + " ORDER BY id LIMIT @limit",
            ("tenant", tenantId), ("owner", owner), ("product", productId), ("status", status), ("after", after), ("limit", limit));

    /// <summary>
    /// The one conditional step from <paramref name="from"/> to <paramref name="to"/>: 0 rows when another request or job
    /// moved it first, which is how 50 concurrent executes yield one execution.
    /// </summary>
    public static SqlStatement Move(string tenantId, Guid id, string from, string to, DateTimeOffset now, Guid? executeJobId = null,
        Guid? redeemJobId = null)
    {
        InvestmentStatuses.Require(from, to);
        return SqlStatement.Tagged("investments.move",
            """
            UPDATE investments SET status = @to, updated_at = @now,
                execute_job_id = COALESCE(@executeJob, execute_job_id), redeem_job_id = COALESCE(@redeemJob, redeem_job_id)
            WHERE tenant_id = @tenant AND id = @id AND status = @from
            """,
            ("to", to), ("now", now), ("executeJob", executeJobId), ("redeemJob", redeemJobId), ("tenant", tenantId), ("id", id),
            ("from", from));
    }

    public static SqlStatement Activate(Investment i, string? partnerReferenceToken, DateTimeOffset now)
    {
        InvestmentStatuses.Require(i.Status, InvestmentStatuses.Active);
        return SqlStatement.Tagged("investments.activate",
            """
            UPDATE investments SET status = 'active', partner_reference_token = @token, executed_at = @now, updated_at = @now
            WHERE tenant_id = @tenant AND id = @id AND status = 'executing'
            """,
            ("token", partnerReferenceToken), ("now", now), ("tenant", i.TenantId), ("id", i.Id));
    }

    public static SqlStatement Fail(Investment i, string reason, DateTimeOffset now)
    {
        InvestmentStatuses.Require(i.Status, InvestmentStatuses.Failed);
        return SqlStatement.Tagged("investments.fail",
            """
            UPDATE investments SET status = 'failed', failure_reason = @reason, updated_at = @now
            WHERE tenant_id = @tenant AND id = @id AND status = 'executing'
            """,
            ("reason", reason.Length > 500 ? reason[..500] : reason), ("now", now), ("tenant", i.TenantId), ("id", i.Id));
    }

    public static SqlStatement Redeem(Investment i, long returnPaid, DateTimeOffset now)
    {
        InvestmentStatuses.Require(i.Status, InvestmentStatuses.Redeemed);
        return SqlStatement.Tagged("investments.redeem",
            """
            UPDATE investments SET status = 'redeemed', return_paid = @returnPaid, redeemed_at = @now, updated_at = @now
            WHERE tenant_id = @tenant AND id = @id AND status = 'redeeming'
            """,
            ("returnPaid", returnPaid), ("now", now), ("tenant", i.TenantId), ("id", i.Id));
    }

    /// <summary>One row when the product has an active investment, none otherwise.</summary>
    public static SqlStatement AnyActiveOf(string tenantId, Guid productId) => SqlStatement.Tagged("investments.any_active_of_product",
        "SELECT 1 FROM investments WHERE tenant_id = @tenant AND product_id = @product AND status = 'active' LIMIT 1",
        ("tenant", tenantId), ("product", productId));

    /// <summary>The product's active investments in id order: who shares a product-level dividend, weighted by principal.</summary>
    public static SqlStatement ActiveOf(string tenantId, Guid productId) => SqlStatement.Tagged("investments.active_of_product",
        $"SELECT {Columns} FROM investments WHERE tenant_id = @tenant AND product_id = @product AND status = 'active' ORDER BY id",
        ("tenant", tenantId), ("product", productId));
}
