using System.Data.Common;
using System.Text.Json;
using Coffer.Platform.Persistence;

namespace Coffer.Commerce.Catalog;

/// <summary>
/// A variant of a catalog product (<c>commerce_variants</c>): a SKU unique in its tenant, with attributes (a bounded string map,
/// stored as JSON) and its prices, one row per currency (<see cref="VariantPrice"/>).
/// </summary>
internal sealed class CatalogVariant
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid ProductId { get; set; }
    public required string Sku { get; set; }
    public required string Attributes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public const string Columns = "id, tenant_id, product_id, sku, attributes, created_at";

    public IReadOnlyDictionary<string, string> AttributeMap =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Attributes, Json) ?? [];

    public static string AttributesJson(IReadOnlyDictionary<string, string> attributes) => JsonSerializer.Serialize(attributes, Json);

    public static CatalogVariant Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        ProductId = r.GetGuid(2),
        Sku = r.GetString(3),
        Attributes = r.GetString(4),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(5),
    };

    public static SqlStatement Insert(CatalogVariant v) => SqlStatement.Tagged("commerce_variants.insert",
        $"INSERT INTO commerce_variants ({Columns}) VALUES (@id, @tenant, @product, @sku, @attributes, @now)",
        ("id", v.Id), ("tenant", v.TenantId), ("product", v.ProductId), ("sku", v.Sku), ("attributes", v.Attributes), ("now", v.CreatedAt));

    public static SqlStatement OfProduct(string tenantId, Guid productId) => SqlStatement.Tagged("commerce_variants.of_product",
        $"SELECT {Columns} FROM commerce_variants WHERE tenant_id = @tenant AND product_id = @product ORDER BY id",
        ("tenant", tenantId), ("product", productId));

    /// <summary>Which of <paramref name="skus"/> the tenant has already (at most <see cref="CatalogRules.MaxVariants"/> of them).</summary>
    public static SqlStatement TakenSkus(string tenantId, IReadOnlyList<string> skus) => SqlStatement.Tagged("commerce_variants.taken_skus",
        "SELECT sku FROM commerce_variants WHERE tenant_id = @tenant AND sku IN ("
        + string.Join(", ", skus.Select((_, i) => $"@sku{i}")) + ")",
        [("tenant", tenantId), .. skus.Select((sku, i) => ($"sku{i}", (object?)sku))]);
}

/// <summary>The price of a variant in one currency, in minor units (<c>commerce_variant_prices</c>).</summary>
internal sealed class VariantPrice
{
    public required string TenantId { get; set; }
    public Guid VariantId { get; set; }
    public required string Currency { get; set; }
    public long AmountMinor { get; set; }

    public static VariantPrice Read(DbDataReader r) => new()
    {
        TenantId = r.GetString(0),
        VariantId = r.GetGuid(1),
        Currency = r.GetString(2),
        AmountMinor = r.GetInt64(3),
    };

    public static SqlStatement Insert(VariantPrice p) => SqlStatement.Tagged("commerce_variant_prices.insert",
        "INSERT INTO commerce_variant_prices (tenant_id, variant_id, currency, amount_minor) VALUES (@tenant, @variant, @currency, @amount)",
        ("tenant", p.TenantId), ("variant", p.VariantId), ("currency", p.Currency), ("amount", p.AmountMinor));

    public static SqlStatement DeleteOf(string tenantId, Guid variantId) => SqlStatement.Tagged("commerce_variant_prices.delete_of",
        "DELETE FROM commerce_variant_prices WHERE tenant_id = @tenant AND variant_id = @variant", ("tenant", tenantId), ("variant", variantId));

    public static SqlStatement OfProduct(string tenantId, Guid productId) => SqlStatement.Tagged("commerce_variant_prices.of_product",
        """
        SELECT p.tenant_id, p.variant_id, p.currency, p.amount_minor FROM commerce_variant_prices p
        JOIN commerce_variants v ON v.id = p.variant_id AND v.tenant_id = p.tenant_id
        WHERE p.tenant_id = @tenant AND v.product_id = @product ORDER BY p.variant_id, p.currency
        """,
        ("tenant", tenantId), ("product", productId));
}
