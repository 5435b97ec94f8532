using System.Text.Json;
using Coffer.Ledger.Money;
using Coffer.Platform.Results;
using Coffer.Platform.Webhooks;

namespace Coffer.Commerce.Payments;

/// <summary>
/// The payment provider's card events for orders, received by the platform's payment webhook: <c>payment_intent.succeeded</c>
/// and <c>payment_intent.payment_failed</c>, each with <c>data: {tenantId, orderId, paymentReference, amount, currency}</c> (the
/// metadata Coffer attached to the intent). Each becomes a <see cref="CardPaymentEventJob"/> in the event's tenant.
/// </summary>
internal abstract class CardPaymentEvents(bool succeeded) : IPaymentEventHandler
{
    public const string SucceededType = "payment_intent.succeeded";
    public const string FailedType = "payment_intent.payment_failed";

    private sealed record Data(string? TenantId, Guid? OrderId, string? PaymentReference, long? Amount, string? Currency);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public abstract string EventType { get; }

    public PaymentEventJob? Read(JsonElement? data, string webhookId, ValidationErrors errors)
    {
        Data? parsed = null;
        try
        {
            parsed = data is { ValueKind: JsonValueKind.Object } element ? element.Deserialize<Data>(Json) : null;
        }
        catch (JsonException)
        {
            // reported below as missing fields
        }
        var tenant = errors.RequiredText("data.tenantId", parsed?.TenantId, 64);
        if (parsed?.OrderId is not { } orderId || orderId == Guid.Empty)
        {
            errors.Add("data.orderId", "Required.");
            orderId = Guid.Empty;
        }
        var reference = errors.RequiredText("data.paymentReference", parsed?.PaymentReference, 255);
        var amount = errors.Amount("data.amount", parsed?.Amount);
        var currency = errors.Currency("data.currency", parsed?.Currency);
        return errors.Any
            ? null
            : new PaymentEventJob(tenant!, CardPaymentEventJob.JobType,
                new CardPaymentEventJob.Payload(orderId, succeeded, reference!, amount, currency, webhookId));
    }

    public sealed class Succeeded() : CardPaymentEvents(succeeded: true)
    {
        public override string EventType => SucceededType;
    }

    public sealed class Failed() : CardPaymentEvents(succeeded: false)
    {
        public override string EventType => FailedType;
    }
}
