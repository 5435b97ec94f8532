using Coffer.Platform.Persistence;

namespace Coffer.Platform.Webhooks;

/// <summary>
/// The <c>webhook_receipts</c> row: a webhook id already accepted from a source. Recorded in the transaction that acts on
/// the webhook, so a replayed (or redelivered) id finds its receipt and has no effect. Not tenant-scoped: the receipt is
/// taken before the event's tenant is trusted.
/// </summary>
public sealed class WebhookReceipt
{
    public const int MaxIdLength = 255;

    public required string Source { get; set; }
    public required string WebhookId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Inserts the receipt; affects no row when the id was received before.</summary>
    public static SqlStatement Record(string source, string webhookId, DateTimeOffset now) => SqlStatement.Tagged("webhooks.receipt",
        "INSERT INTO webhook_receipts (source, webhook_id, received_at) VALUES (@source, @id, @now) ON CONFLICT DO NOTHING",
        ("source", source), ("id", webhookId), ("now", now));
}

/// <summary>Endpoint metadata: the caller is authenticated by a webhook signature, not a bearer token.</summary>
public sealed record SignatureAuthenticatedMetadata(string Scheme);
