namespace Coffer.Bench.Checkout;

internal sealed record CatalogProductDto(Guid Id, string Status, List<CatalogVariantDto> Variants);

internal sealed record CatalogVariantDto(Guid Id, string Sku, Dictionary<string, long> Prices);

internal sealed record StockDto(Guid VariantId, string Sku, long OnHand, long Reserved, long Available);

internal sealed record OrderPaymentDto(string Method, Guid? AccountId, string Status);

internal sealed record OrderDto(
    Guid Id, string BuyerId, string Status, string Currency, long Total, OrderPaymentDto Payment, string? CancelReason,
    DateTimeOffset CreatedAt, DateTimeOffset? PaidAt);
