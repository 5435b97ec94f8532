using System.Text.Json;
using Coffer.Platform.Results;
using Coffer.Platform.Webhooks;
using Coffer.Testing;

namespace Coffer.Platform.Tests.Webhooks;

/// <summary>
/// A made-up payment event owned by a test module: <c>sample.happened</c> with <c>data: {tenantId, note}</c>, both required,
/// becoming a scripted job (<see cref="ScriptedJobHandler"/>) in the event's tenant with the note in its script.
/// </summary>
internal sealed class SamplePaymentEvent : IPaymentEventHandler
{
    public const string Type = "sample.happened";

    private sealed record Data(string? TenantId, string? Note);

    public string EventType => Type;

    public PaymentEventJob? Read(JsonElement? data, string webhookId, ValidationErrors errors)
    {
        var fields = data?.Deserialize<Data>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        errors.RequiredText("data.tenantId", fields?.TenantId, 64);
        errors.RequiredText("data.note", fields?.Note, 100);
        return errors.Any ? null : new PaymentEventJob(fields!.TenantId!, ScriptedJobHandler.JobType, new JobScript(Note: $"{fields.Note} ({webhookId})"));
    }
}

/// <summary>A second module claiming <see cref="SamplePaymentEvent.Type"/>: a composition error.</summary>
internal sealed class RivalSamplePaymentEvent : IPaymentEventHandler
{
    public string EventType => SamplePaymentEvent.Type;

    public PaymentEventJob? Read(JsonElement? data, string webhookId, ValidationErrors errors) =>
        throw new InvalidOperationException("Never reached: the host refuses to start with two handlers for one type.");
}
