using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Products;

/// <summary>A product's life: <c>draft</c> (being set up) → <c>open</c> (takes investments) → <c>closed</c> (takes no new ones).</summary>
internal static class ProductStatuses
{
    public const string Draft = "draft";
    public const string Open = "open";
    public const string Closed = "closed";

    public static bool CanMove(string from, string to) => (from, to) is (Draft, Open) or (Open, Closed) or (Draft, Closed);
}

/// <summary>How much risk a product carries, as disclosed to investors.</summary>
internal static class RiskLevels
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { "low", "medium", "high" };
}

/// <summary>
/// An investment product of a tenant. Money invested sits in the product's custody account; dividends and accrued returns
/// are paid from its dividend pool; its reserve account holds what the reserves engine sets aside (<see cref="ProductAccounts"/>).
/// </summary>
internal sealed class Product
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public required string Currency { get; set; }
    public long MinAmount { get; set; }
    public long MaxAmount { get; set; }
    /// <summary>Expected annual return as a decimal rate (0.05 = 5 % a year), simple interest.</summary>
    public decimal AnnualRate { get; set; }
    public required string RiskLevel { get; set; }
    public int TermDays { get; set; }
    public required string Status { get; set; }
    public Guid? PartnerId { get; set; }
    /// <summary>The product's code at its partner, sent with every order.</summary>
    public string? PartnerProductCode { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Grows by one with every change (edit, open, close, reserve policy); the ETag is <c>"&lt;version&gt;"</c>.</summary>
    public long Version { get; set; } = 1;
    /// <summary>The reserve policy: the share of outstanding principal held in reserve (0 to 1); null: no policy, no engine runs.</summary>
    public decimal? ReserveRatio { get; set; }

    public const string Columns =
        "id, tenant_id, name, currency, min_amount, max_amount, annual_rate, risk_level, term_days, status, partner_id, "
        + "partner_product_code, created_by, created_at, updated_at, version, reserve_ratio";

    public static Product Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        Name = r.GetString(2),
        Currency = r.GetString(3),
        MinAmount = r.GetInt64(4),
        MaxAmount = r.GetInt64(5),
        AnnualRate = r.GetDecimal(6),
        RiskLevel = r.GetString(7),
        TermDays = r.GetInt32(8),
        Status = r.GetString(9),
        PartnerId = r.IsDBNull(10) ? null : r.GetGuid(10),
        PartnerProductCode = r.IsDBNull(11) ? null : r.GetString(11),
        CreatedBy = r.GetString(12),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(13),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(14),
        Version = r.GetInt64(15),
        ReserveRatio = r.IsDBNull(16) ? null : r.GetDecimal(16),
    };

    public static SqlStatement Insert(Product p) => SqlStatement.Tagged("investment_products.insert",
        $"""
        INSERT INTO investment_products ({Columns})
        VALUES (@id, @tenant, @name, @currency, @min, @max, @rate, @risk, @term, @status, @partner, @partnerCode, @createdBy, @now, @now,
                @version, @ratio)
        """,
        ("id", p.Id), ("tenant", p.TenantId), ("name", p.Name), ("currency", p.Currency), ("min", p.MinAmount), ("max", p.MaxAmount),
        ("rate", p.AnnualRate), ("risk", p.RiskLevel), ("term", p.TermDays), ("status", p.Status), ("partner", p.PartnerId),
        ("partnerCode", p.PartnerProductCode), ("createdBy", p.CreatedBy), ("now", p.CreatedAt), ("version", p.Version),
        ("ratio", p.ReserveRatio));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("investment_products.find",
        $"SELECT {Columns} FROM investment_products WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}",
        ("tenant", tenantId), ("id", id));

    /// <summary>A page of the tenant's products in id order after <paramref name="after"/>; <paramref name="status"/> filters when given.</summary>
    public static SqlStatement Page(string tenantId, string? status, bool excludeDrafts, Guid? after, int limit) =>
        SqlStatement.Tagged("investment_products.page",
            $"SELECT {Columns} FROM investment_products WHERE tenant_id = @tenant"
            + (status is null ? "" : " AND status = @status") + (excludeDrafts ? $" AND status <> '{ProductStatuses.Draft}'" : "")
            + (after is null ? "" : " AND id > @after") + " ORDER BY id LIMIT @limit",
            ("tenant", tenantId), ("status", status), ("after", after), ("limit", limit));

    /// <summary>The tenant's products with a reserve policy, in id order after <paramref name="after"/> (all tenants under <see cref="DbSession.AllTenants"/>).</summary>
    public static SqlStatement WithReservePolicy(Guid? after, int limit) => SqlStatement.Tagged("investment_products.with_reserve_policy",
        "SELECT tenant_id, id FROM investment_products WHERE reserve_ratio IS NOT NULL" + (after is null ? "" : " AND id > @after")
        + " ORDER BY id LIMIT @limit", ("after", after), ("limit", limit));

    /// <summary>
    /// Writes <paramref name="changed"/> (the product as it now is, its <see cref="Version"/> already advanced) if the row is still
    /// at the version before: a concurrent change makes it affect no row.
    /// </summary>
    public static SqlStatement Save(Product changed) => SqlStatement.Tagged("investment_products.save",
        """
        UPDATE investment_products SET name = @name, min_amount = @min, max_amount = @max, annual_rate = @rate, risk_level = @risk,
            term_days = @term, status = @status, reserve_ratio = @ratio, updated_at = @now, version = @version
        WHERE tenant_id = @tenant AND id = @id AND version = @previous
        """,
        ("name", changed.Name), ("min", changed.MinAmount), ("max", changed.MaxAmount), ("rate", changed.AnnualRate),
        ("risk", changed.RiskLevel), ("term", changed.TermDays), ("status", changed.Status), ("ratio", changed.ReserveRatio),
        ("now", changed.UpdatedAt), ("version", changed.Version), ("tenant", changed.TenantId), ("id", changed.Id),
        ("previous", changed.Version - 1));

    public Product Copy() => (Product)MemberwiseClone();
}
