using Coffer.Commerce.Catalog;
using Coffer.Platform.Persistence;

namespace Coffer.Commerce.Orders;

/// <summary>
/// What a checkout charges, read from the database in its transaction — never from the catalog cache, which may be up to its TTL
/// old: each variant's SKU, whether its product is on sale (<c>active</c>), and its price in the order's currency.
/// </summary>
internal sealed record CheckoutPricing(Guid VariantId, string Sku, string ProductStatus, long? UnitPriceMinor)
{
    public static async Task<List<CheckoutPricing>> ReadAsync(
        DbSession session, string tenantId, IReadOnlyCollection<Guid> variantIds, string currency, CancellationToken cancellationToken)
    {
        var (inVariants, value) = session.Provider.InIds("v.id", "variants", variantIds);
        return await session.QueryAsync(SqlStatement.Tagged("commerce_checkout.pricing",
            $"""
            SELECT v.id, v.sku, p.status, pr.amount_minor
            FROM commerce_variants v
            JOIN commerce_products p ON p.id = v.product_id AND p.tenant_id = v.tenant_id
            LEFT JOIN commerce_variant_prices pr ON pr.variant_id = v.id AND pr.tenant_id = v.tenant_id AND pr.currency = @currency
            WHERE v.tenant_id = @tenant AND {inVariants}
            """,
            ("currency", currency), ("tenant", tenantId), ("variants", value)),
            r => new CheckoutPricing(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3)), cancellationToken);
    }

    public bool OnSale => ProductStatus == CatalogStatuses.Active;
}
