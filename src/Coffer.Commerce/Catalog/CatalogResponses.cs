namespace Coffer.Commerce.Catalog;

internal sealed record VariantResponse(Guid Id, string Sku, IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, long> Prices);

/// <summary>A product as GET shows it, with its variants and their prices; what the catalog cache holds.</summary>
internal sealed record ProductResponse(
    Guid Id, string Name, string? Description, string Status, long Version, IReadOnlyList<VariantResponse> Variants,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(CatalogProduct p, IEnumerable<CatalogVariant> variants, IEnumerable<VariantPrice> prices)
    {
        var byVariant = prices.ToLookup(price => price.VariantId);
        return new ProductResponse(p.Id, p.Name, p.Description, p.Status, p.Version,
            [.. variants.Select(v => new VariantResponse(v.Id, v.Sku, v.AttributeMap,
                byVariant[v.Id].OrderBy(price => price.Currency, StringComparer.Ordinal).ToDictionary(price => price.Currency, price => price.AmountMinor)))],
            p.CreatedAt, p.UpdatedAt);
    }
}

/// <summary>A product in a list: without its variants (GET one for those).</summary>
internal sealed record ProductSummary(Guid Id, string Name, string? Description, string Status, long Version, DateTimeOffset UpdatedAt)
{
    public static ProductSummary From(CatalogProduct p) => new(p.Id, p.Name, p.Description, p.Status, p.Version, p.UpdatedAt);
}
