using System.Data.Common;
using System.Text.Json;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Products;

/// <summary>What changed a product: the action recorded with each version.</summary>
internal static class ProductChangeActions
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Opened = "opened";
    public const string Closed = "closed";
    public const string ReservePolicySet = "reserve_policy_set";

    public static readonly IReadOnlyList<string> All = [Created, Updated, Opened, Closed, ReservePolicySet];
}

/// <summary>
/// One version of a product (<c>investment_product_versions</c>): who made it, when, by which action, and the product before and
/// after as JSON snapshots (the API's own shape). Written in the transaction of the change; never updated.
/// </summary>
internal sealed class ProductVersion
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid ProductId { get; set; }
    public long Version { get; set; }
    public required string Action { get; set; }
    public required string ChangedBy { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string? Before { get; set; }
    public required string After { get; set; }

    public const string Columns = "id, tenant_id, product_id, version, action, changed_by, changed_at, before, after";

    public static ProductVersion Of(Guid id, Product? before, Product after, string action, string changedBy) => new()
    {
        Id = id,
        TenantId = after.TenantId,
        ProductId = after.Id,
        Version = after.Version,
        Action = action,
        ChangedBy = changedBy,
        ChangedAt = after.UpdatedAt,
        Before = before is null ? null : JsonSerializer.Serialize(ProductResponse.From(before), Json),
        After = JsonSerializer.Serialize(ProductResponse.From(after), Json),
    };

    public static ProductVersion Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        ProductId = r.GetGuid(2),
        Version = r.GetInt64(3),
        Action = r.GetString(4),
        ChangedBy = r.GetString(5),
        ChangedAt = r.GetFieldValue<DateTimeOffset>(6),
        Before = r.IsDBNull(7) ? null : r.GetString(7),
        After = r.GetString(8),
    };

    public static SqlStatement Insert(ProductVersion v) => SqlStatement.Tagged("investment_product_versions.insert",
        $"INSERT INTO investment_product_versions ({Columns}) VALUES (@id, @tenant, @product, @version, @action, @by, @at, @before, @after)",
        ("id", v.Id), ("tenant", v.TenantId), ("product", v.ProductId), ("version", v.Version), ("action", v.Action), ("by", v.ChangedBy),
        ("at", v.ChangedAt), ("before", v.Before), ("after", v.After));

    /// <summary>A page of a product's versions, oldest first (ids grow with versions: each is written under the product's lock).</summary>
    public static SqlStatement Page(string tenantId, Guid productId, Guid? after, int limit) =>
        SqlStatement.Tagged("investment_product_versions.page",
            $"SELECT {Columns} FROM investment_product_versions WHERE tenant_id = @tenant AND product_id = @product"
            + (after is null ? "" : " AND id > @after") + " ORDER BY id LIMIT @limit",
            ("tenant", tenantId), ("product", productId), ("after", after), ("limit", limit));
}

/// <summary>A version as the API shows it: the snapshots as JSON objects.</summary>
internal sealed record ProductVersionResponse(
    Guid Id, long Version, string Action, string ChangedBy, DateTimeOffset ChangedAt, JsonElement? Before, JsonElement After)
{
    public static ProductVersionResponse From(ProductVersion v) => new(
        v.Id, v.Version, v.Action, v.ChangedBy, v.ChangedAt,
        v.Before is null ? null : JsonDocument.Parse(v.Before).RootElement.Clone(), JsonDocument.Parse(v.After).RootElement.Clone());
}
