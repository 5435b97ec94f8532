using System.Text.Json;
using Coffer.Ledger.Money;
using Coffer.Platform.Results;
using Coffer.Platform.Webhooks;

namespace Coffer.Ledger.Deposits;

/// <summary>
/// The payment provider's <c>deposit.succeeded</c>: money received for a wallet. Its <c>data</c> is the metadata Coffer
/// attached when it asked for the payment (tenant, wallet, amount, currency, the provider's reference); a complete one
/// becomes job <c>deposit.credit</c> in that tenant, which credits the wallet once (<see cref="CreditDepositJob"/>).
/// </summary>
internal sealed class DepositSucceededEvent : IPaymentEventHandler
{
    public const string Type = "deposit.succeeded";

    public sealed record Data(string? TenantId, Guid? AccountId, long? Amount, string? Currency, string? Reference);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string EventType => Type;

    public PaymentEventJob? Read(JsonElement? data, string webhookId, ValidationErrors errors)
    {
        Data? fields;
        try
        {
            fields = data?.Deserialize<Data>(Json);
        }
        catch (JsonException)
        {
            errors.Add("data", "Not a deposit: tenantId, reference and currency are strings, accountId a UUID, amount an integer.");
            return null;
        }
        errors.RequiredText("data.tenantId", fields?.TenantId, 64);
        errors.Id("data.accountId", fields?.AccountId);
        errors.Amount("data.amount", fields?.Amount);
        errors.Currency("data.currency", fields?.Currency);
        errors.RequiredText("data.reference", fields?.Reference, 255);
        if (errors.Any)
        {
            return null;
        }
        return new PaymentEventJob(fields!.TenantId!, CreditDepositJob.JobType,
            new CreditDepositJob.Payload(fields.TenantId!, fields.AccountId!.Value, fields.Amount!.Value, fields.Currency!, fields.Reference!,
                webhookId));
    }
}
