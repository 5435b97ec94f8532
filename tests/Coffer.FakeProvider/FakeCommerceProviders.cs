using System.Buffers.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coffer.FakeProvider;

/// <summary>
/// The providers an order's fulfilment talks to: an email provider (<c>POST /emails</c> → <c>{providerReference: "em_…",
/// status: "sent"}</c>), a carrier (<c>POST /shipments</c> → <c>{providerReference: "sh_…", status: "booked",
/// trackingNumber: "TRK…"}</c>) and an object store (<c>POST /objects</c> → <c>{providerReference: "ob_…", key}</c>).
/// They meet the behaviours and keep the idempotency records of the other endpoints
/// (<see cref="FakeProviderApp.AnswerAsync"/>); only their bodies and answers are their own.
/// </summary>
public static class FakeCommerceProviders
{
    /// <summary>The most lines a shipment may have: a limit, as a real carrier's API has one.</summary>
    public const int MaxShipmentItems = 500;

    internal static void Map(WebApplication app)
    {
        app.MapPost("/emails", (EmailBody body, HttpContext http, FakeProviderState state) =>
            FakeProviderApp.AnswerAsync(http, state, FakeEndpoints.Emails, body, EmailProblem(body),
                n => new { providerReference = $"em_{n:D6}", status = "sent" }));
        app.MapPost("/shipments", (ShipmentBody body, HttpContext http, FakeProviderState state) =>
            FakeProviderApp.AnswerAsync(http, state, FakeEndpoints.Shipments, body, ShipmentProblem(body),
                n => new { providerReference = $"sh_{n:D6}", status = "booked", trackingNumber = $"TRK{n:D10}" }));
        app.MapPost("/objects", (ObjectBody body, HttpContext http, FakeProviderState state) =>
            FakeProviderApp.AnswerAsync(http, state, FakeEndpoints.Objects, body, ObjectProblem(body),
                n => new { providerReference = $"ob_{n:D6}", key = body.Key }));
    }

    private static string? EmailProblem(EmailBody body) =>
        string.IsNullOrWhiteSpace(body.To) || !body.To.Contains('@', StringComparison.Ordinal) ? "to must be an email address."
        : string.IsNullOrWhiteSpace(body.Subject) ? "subject is required."
        : body.Body is null ? "body is required."
        : null;

    private static string? ShipmentProblem(ShipmentBody body) =>
        string.IsNullOrWhiteSpace(body.OrderId) ? "orderId is required."
        : body.Items is not { Count: > 0 and <= MaxShipmentItems } ? $"items must have 1 to {MaxShipmentItems} lines."
        : body.Items.Any(item => item is null || string.IsNullOrWhiteSpace(item.Sku) || item.Quantity <= 0)
            ? "each item needs a sku and a quantity above 0."
        : null;

    private static string? ObjectProblem(ObjectBody body) =>
        string.IsNullOrWhiteSpace(body.Key) ? "key is required."
        : string.IsNullOrWhiteSpace(body.ContentType) ? "contentType is required."
        : body.ContentBase64 is null || !Base64.IsValid(body.ContentBase64) ? "contentBase64 must be base64."
        : null;
}
