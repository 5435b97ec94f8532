namespace Coffer.Commerce.Inventory;

/// <summary>A variant's stock as the API shows it.</summary>
public sealed record StockResponse(
    Guid VariantId, string Sku, long OnHand, long Reserved, long Available, long LowStockThreshold, bool Low, long Version,
    DateTimeOffset UpdatedAt)
{
    internal static StockResponse From(StockLevel s) =>
        new(s.VariantId, s.Sku, s.OnHand, s.Reserved, s.Available, s.LowStockThreshold, s.Available <= s.LowStockThreshold, s.Version, s.UpdatedAt);
}

/// <summary>A low-stock alert as the API shows it.</summary>
public sealed record StockAlertResponse(
    Guid Id, Guid VariantId, string Sku, long Available, long Threshold, string Status, string? Detail, DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt)
{
    internal static StockAlertResponse From(StockAlert a) =>
        new(a.Id, a.VariantId, a.Sku, a.Available, a.Threshold, a.Status, a.Detail, a.CreatedAt, a.SentAt);
}
