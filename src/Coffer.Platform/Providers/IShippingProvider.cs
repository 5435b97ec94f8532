namespace Coffer.Platform.Providers;

/// <summary>
/// Books shipments of ordered goods with the configured carrier (<c>Coffer:Providers:Shipping</c>). Registered only when
/// the provider is configured.
/// </summary>
public interface IShippingProvider
{
    /// <summary>
    /// <c>POST {BaseUrl}shipments</c>. Safe to repeat with the same <see cref="ShipmentRequest.Reference"/>: the carrier
    /// books once and answers the same shipment.
    /// </summary>
    /// <exception cref="ProviderException">The provider refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct);
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>: the carrier books each reference once.</param>
/// <param name="OrderId">The order the goods belong to, for the carrier's paperwork.</param>
/// <param name="Items">What to ship, at least one line.</param>
public sealed record ShipmentRequest(string Reference, string OrderId, IReadOnlyList<ShipmentItem> Items);

/// <param name="Sku">The stock-keeping unit shipped.</param>
/// <param name="Quantity">How many, above zero.</param>
public sealed record ShipmentItem(string Sku, int Quantity);

/// <param name="ProviderReference">The carrier's id of the shipment.</param>
/// <param name="Status">The carrier's status of the shipment: <c>booked</c>.</param>
/// <param name="TrackingNumber">The parcel's tracking number, or null while the carrier has not assigned one yet.</param>
public sealed record Shipment(string ProviderReference, string Status, string? TrackingNumber);
