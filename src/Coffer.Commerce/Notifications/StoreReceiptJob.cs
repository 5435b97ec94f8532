using System.Text.Json;
using Coffer.Commerce.Orders;
using Coffer.Platform.Jobs;
using Coffer.Platform.Providers;

namespace Coffer.Commerce.Notifications;

/// <summary>
/// Job <c>store-receipt</c>, queued when an order is paid: writes the order's receipt (the order with its lines, as JSON) to the
/// storage provider under <c>receipts/&lt;tenant&gt;/&lt;order&gt;.json</c> and records the key on the order. Without a storage
/// provider there is nowhere to keep it and the job says so; a failing provider is retried, never failing the order.
/// </summary>
internal sealed class StoreReceiptJob(OrderChanges changes, IStorageProvider? storage = null) : IJobHandler
{
    public const string JobType = "store-receipt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var input = job.Payload<OrderJobPayload>();
        var order = (await job.Session.QueryAsync(Order.Find(job.TenantId, input.OrderId), Order.Read, cancellationToken)).SingleOrDefault()
            ?? throw new PermanentJobException($"Order {input.OrderId} does not exist.");
        if (order.ReceiptKey is not null)
        {
            return new { orderId = order.Id, receiptKey = order.ReceiptKey };
        }
        if (storage is null)
        {
            return new { orderId = order.Id, skipped = "no_storage_provider" };
        }
        var lines = await job.Session.QueryAsync(OrderLine.Of(job.TenantId, [order.Id], job.Session.Provider), OrderLine.Read, cancellationToken);
        var receipt = JsonSerializer.SerializeToUtf8Bytes(OrderResponse.From(order, lines), Json);
        var key = $"receipts/{job.TenantId}/{order.Id}.json";
        try
        {
            await storage.PutAsync(new StorageRequest($"order:{order.Id}:receipt", key, "application/json", Convert.ToBase64String(receipt)),
                cancellationToken);
        }
        catch (ProviderException refused) when (!refused.IsRetryable)
        {
            throw new PermanentJobException($"The storage provider refused the receipt of order {order.Id}: {refused.ProviderErrorCode ?? refused.Message}.", refused);
        }
        await job.BeginAsync(cancellationToken);
        var locked = await changes.LockAsync(job.TenantId, order.Id, cancellationToken) ?? throw new PermanentJobException($"Order {order.Id} vanished.");
        changes.Annotate(locked, o => o.ReceiptKey = key, "order.receipt_stored");
        var result = new { orderId = order.Id, receiptKey = key, bytes = receipt.Length };
        await job.CompleteAsync(result, [], cancellationToken);
        return result;
    }
}
