using System.Text.Json;
using Coffer.Platform.Results;

namespace Coffer.Platform.Webhooks;

/// <summary>
/// One event type of the payment provider's webhook, owned by a module: validates the event's data and names the job that
/// acts on it. The platform verifies the signature, takes the receipt and enqueues the job; the module only says what the
/// event means, so several modules share one provider URL without knowing of each other.
/// <para>Registered with <see cref="PaymentEventRegistration.AddPaymentEventHandler{THandler}"/> as a singleton: reading an
/// event is pure validation, done before any transaction opens, with no database or network access.</para>
/// </summary>
public interface IPaymentEventHandler
{
    /// <summary>The event's <c>type</c> (e.g. <c>deposit.succeeded</c>); one handler per type (a second registration for a type fails at start-up).</summary>
    string EventType { get; }

    /// <summary>
    /// Reads the event's <c>data</c> (null when absent). Adds problems to <paramref name="errors"/> (field names prefixed
    /// <c>data.</c>) and returns null when invalid; otherwise the tenant the event belongs to and the job to enqueue.
    /// <paramref name="webhookId"/> is the delivery's id (for job payloads that want it).
    /// </summary>
    PaymentEventJob? Read(JsonElement? data, string webhookId, ValidationErrors errors);
}

/// <summary>
/// The job a verified event becomes: enqueued in the tenant's scope in the same transaction as the webhook's receipt. The
/// tenant is trusted because the provider signed the event (it is the metadata Coffer attached when it asked for the payment).
/// </summary>
public sealed record PaymentEventJob(string TenantId, string JobType, object Payload);
