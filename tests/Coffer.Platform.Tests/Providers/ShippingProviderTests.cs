using Coffer.FakeProvider;
using Coffer.Platform.Providers;

namespace Coffer.Platform.Tests.Providers;

public sealed class ShippingProviderTests
{
    private static ShipmentRequest Request(string reference) =>
        new(reference, "order-42", [new ShipmentItem("ENGINE-AN-1", 2), new ShipmentItem("PUNCH-CARDS-500", 1)]);

    [Fact(Timeout = 30_000)]
    public async Task CreateShipment_SendsTheReferenceAsIdempotencyKey_ReadsTheTrackingNumber_AndBooksOncePerReference()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Shipping", fake.BaseUrl));

        var first = await host.Shipping.CreateShipmentAsync(Request("ship-1"), CancellationToken.None);
        var again = await host.Shipping.CreateShipmentAsync(Request("ship-1"), CancellationToken.None);

        Assert.StartsWith("sh_", first.ProviderReference);
        Assert.StartsWith("TRK", first.TrackingNumber);
        Assert.Equal(("booked", first), (first.Status, again));
        var shipments = (await fake.GetCallsAsync()).Shipments;
        Assert.Equal((2, 1, 1), (shipments.Attempts, shipments.Created, shipments.Replayed));
        Assert.All(shipments.Calls, call => Assert.Equal("ship-1", call.IdempotencyKey));
        Assert.Equal(2, host.Calls("shipping", "success"));
    }

    [Fact(Timeout = 30_000)]
    public async Task SameReferenceWithOtherItems_IsRejectedByTheCarrier_NotBookedTwice()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Shipping", fake.BaseUrl));
        await host.Shipping.CreateShipmentAsync(Request("ship-2"), CancellationToken.None);

        var failure = await Assert.ThrowsAsync<ProviderException>(() => host.Shipping.CreateShipmentAsync(
            Request("ship-2") with { Items = [new ShipmentItem("ENGINE-AN-1", 3)] }, CancellationToken.None));

        Assert.Equal((ProviderFailureKind.Rejected, "idempotency_key_reused"), (failure.Kind, failure.ProviderErrorCode));
        Assert.Equal(1, (await fake.GetCallsAsync()).Shipments.Created);
    }

    [Fact(Timeout = 30_000)]
    public async Task Rejection422_IsNotRetried_AndSurfacesAsRejected()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Shipping", fake.BaseUrl)); // MaxRetries left at 2
        await fake.RejectAsync();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => host.Shipping.CreateShipmentAsync(Request("ship-3"), CancellationToken.None));

        Assert.Equal((ProviderFailureKind.Rejected, "shipping", 422), (failure.Kind, failure.Provider, failure.StatusCode));
        Assert.False(failure.IsRetryable);
        var shipments = (await fake.GetCallsAsync()).Shipments;
        Assert.Equal((1, 0), (shipments.Attempts, shipments.Created));
        Assert.Equal(1, host.Calls("shipping", "rejected"));
    }
}
