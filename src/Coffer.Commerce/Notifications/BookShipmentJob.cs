using Coffer.Commerce.Orders;
using Coffer.Platform.Jobs;
using Coffer.Platform.Providers;

namespace Coffer.Commerce.Notifications;

/// <summary>
/// Job <c>book-shipment</c>, queued when an order is fulfilled: books its shipment with the shipping provider (idempotent by the
/// order's shipment reference) and records the provider's reference and tracking number on the order, which staff then mark
/// shipped. Without a shipping provider, staff give the tracking number when they mark it shipped. A failing provider is
/// retried on the jobs' schedule; the order is never failed by it.
/// </summary>
internal sealed class BookShipmentJob(OrderChanges changes, IShippingProvider? shipping = null) : IJobHandler
{
    public const string JobType = "book-shipment";

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<OrderJobPayload>();
        var order = (await job.Session.QueryAsync(Order.Find(job.TenantId, input.OrderId), Order.Read, cancellationToken)).SingleOrDefault()
            ?? throw new PermanentJobException($"Order {input.OrderId} does not exist.");
        if (order.ShipmentReference is not null || order.Status is not (OrderStatuses.Fulfilled or OrderStatuses.Shipped))
        {
            return new { orderId = order.Id, status = order.Status, shipmentReference = order.ShipmentReference };
        }
        if (shipping is null)
        {
            return new { orderId = order.Id, skipped = "no_shipping_provider" };
        }
        var lines = await job.Session.QueryAsync(OrderLine.Of(job.TenantId, [order.Id], job.Session.Provider), OrderLine.Read, cancellationToken);
        Shipment shipment;
        try
        {
            shipment = await shipping.CreateShipmentAsync(new ShipmentRequest($"order:{order.Id}:shipment", order.Id.ToString(),
                lines.Select(l => new ShipmentItem(l.Sku, l.Quantity)).ToList()), cancellationToken);
        }
        catch (ProviderException refused) when (!refused.IsRetryable)
        {
            throw new PermanentJobException($"The shipping provider refused order {order.Id}: {refused.ProviderErrorCode ?? refused.Message}.", refused);
        }
        await job.BeginAsync(cancellationToken);
        var locked = await changes.LockAsync(job.TenantId, order.Id, cancellationToken) ?? throw new PermanentJobException($"Order {order.Id} vanished.");
        changes.Annotate(locked, o => (o.ShipmentReference, o.TrackingNumber) = (shipment.ProviderReference, o.TrackingNumber ?? shipment.TrackingNumber),
            "order.shipment_booked");
        var result = new { orderId = order.Id, shipmentReference = shipment.ProviderReference, trackingNumber = shipment.TrackingNumber };
        await job.CompleteAsync(result, [], cancellationToken);
        return result;
    }
}
