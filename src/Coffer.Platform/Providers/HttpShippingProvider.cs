namespace Coffer.Platform.Providers;

/// <summary><see cref="IShippingProvider"/> over HTTP: <c>POST {BaseUrl}shipments</c>.</summary>
internal sealed class HttpShippingProvider(HttpClient http, ProviderCalls calls) : IShippingProvider
{
    public async Task<Shipment> CreateShipmentAsync(ShipmentRequest request, CancellationToken ct)
    {
        var answer = await calls.PostAsync<ShipmentRequest, ShipmentAnswer>(
            http, ProviderSettings.Shipping, "shipments", request.Reference, request, ct);
        return new Shipment(answer.ProviderReference, answer.Status, answer.TrackingNumber);
    }

    /// <summary>
    /// The carrier's answer as read. Answers are read with every constructor parameter required, and a carrier that has no
    /// tracking number yet may leave the field out rather than send null: that is a booked shipment, not an unreadable
    /// answer (which would be retried as Transient for ever).
    /// </summary>
    private sealed record ShipmentAnswer(string ProviderReference, string Status, string? TrackingNumber = null);
}
