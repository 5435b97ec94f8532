using System.Text.Json;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.Webhooks;

/// <summary>
/// <c>POST /api/v1/webhooks/payments</c>: the payment provider's events, for every module. The request is authenticated by
/// its Standard Webhooks signature (no bearer token); a verified event is handed to the module that registered its type
/// (<see cref="IPaymentEventHandler"/>), which validates its data and names the job that acts on it. The webhook id's
/// receipt, that job and nothing else are written in one transaction, so a replayed id answers 200 with no effect, and an
/// event the module refuses (400) leaves no receipt: the provider's corrected re-send is still accepted.
/// </summary>
internal static class PaymentWebhook
{
    public const string Source = "payments";
    public const string Route = "/api/v1/webhooks/payments";
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The event the provider signs: <c>data</c> is read by the handler of <c>type</c>.</summary>
    public sealed record Event(string? Type, JsonElement? Data);

    /// <summary>What the provider is told: accepted (with the job), duplicate (replayed id), or ignored (no module acts on the type).</summary>
    public sealed record Acknowledgement(string Status, Guid? JobId = null);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapPaymentWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, Receive)
            .WithTags("Webhooks")
            .AllowAnonymous()
            .WithMetadata(new SignatureAuthenticatedMetadata("Standard Webhooks"))
            .RequireRateLimit(RateLimitSettings.Writes)
            .Accepts<Event>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Payment provider webhook (Standard Webhooks signature): each event type acted on once, through its module's job")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                foreach (var (name, description) in new[]
                {
                    ("webhook-id", "The delivery's unique id: a repeated id answers 200 'duplicate' with no effect."),
                    ("webhook-timestamp", "Unix seconds when it was signed; at most 5 minutes from the server's clock."),
                    ("webhook-signature", "Space-separated 'v1,<base64 HMAC-SHA256>' over '{id}.{timestamp}.{raw body}'."),
                })
                {
                    operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
                    {
                        Name = name,
                        In = Microsoft.OpenApi.ParameterLocation.Header,
                        Required = true,
                        Description = description,
                        Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
                    });
                }
                return Task.CompletedTask;
            });

    private static async Task<Results<Ok<Acknowledgement>, ProblemHttpResult>> Receive(
        HttpContext http, WebhookSecrets secrets, PaymentEventHandlers handlers, DbSession session, JobQueue jobs, RecordClock clock,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (secrets.VerifierFor(Source) is not { } verifier)
        {
            return new Failure(503, "webhooks_not_configured", "Webhooks are not configured",
                "No signing secret is configured for payment webhooks (Coffer:Webhooks:payments:Secrets).").ToProblem(http);
        }
        var body = await ReadBodyAsync(http, cancellationToken);
        if (body is null)
        {
            return new Failure(413, "payload_too_large", "Payload too large", $"Webhook bodies are at most {MaxBodyBytes} bytes.").ToProblem(http);
        }
        var id = http.Request.Headers["webhook-id"].ToString();
        var rejection = verifier.Verify(id, http.Request.Headers["webhook-timestamp"], http.Request.Headers["webhook-signature"], body,
            time.GetUtcNow());
        if (rejection != WebhookRejection.None || id.Length > WebhookReceipt.MaxIdLength)
        {
            return new Failure(401, "webhook_signature_invalid", "Invalid webhook signature",
                $"The webhook was refused ({rejection}); nothing was done.").ToProblem(http);
        }
        var errors = new ValidationErrors();
        var job = Read(body, id, handlers, errors);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        // The event names its tenant; it is trusted because the provider signed it, and only that tenant's rows are touched.
        session.TenantScope = job?.TenantId ?? DbSession.AllTenants;
        session.Operation = "POST " + Route;
        await session.BeginAsync(cancellationToken);
        try
        {
            var received = await session.ExecuteAsync([WebhookReceipt.Record(Source, id, clock.Now())], cancellationToken);
            if (received[0] == 0)
            {
                return TypedResults.Ok(new Acknowledgement("duplicate"));
            }
            Guid? jobId = job is null ? null : jobs.Enqueue(job.TenantId, job.JobType, job.Payload, ownerSubject: null);
            await session.CommitAsync([], cancellationToken);
            return TypedResults.Ok(new Acknowledgement(jobId is null ? "ignored" : "accepted", jobId));
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    /// <summary>
    /// Parses <c>{type, data}</c> and lets the type's handler read <c>data</c>: the job to enqueue, or null for a type no
    /// module handles (or when <paramref name="errors"/> says the event is invalid).
    /// </summary>
    private static PaymentEventJob? Read(byte[] body, string webhookId, PaymentEventHandlers handlers, ValidationErrors errors)
    {
        Event? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<Event>(body, Json);
        }
        catch (JsonException)
        {
            errors.Add("body", "Not a JSON event.");
            return null;
        }
        var type = errors.RequiredText("type", parsed?.Type, PaymentEventHandlers.MaxEventTypeLength);
        if (errors.Any || handlers.For(type!) is not { } handler)
        {
            return null;
        }
        var job = handler.Read(parsed!.Data, webhookId, errors);
        if (job is null && !errors.Any)
        {
            throw new InvalidOperationException($"{handler.GetType().FullName} refused a '{type}' event without saying why.");
        }
        if (job is not null && string.IsNullOrEmpty(job.TenantId))
        {
            throw new InvalidOperationException($"{handler.GetType().FullName} read a '{type}' event without a tenant.");
        }
        return errors.Any ? null : job;
    }

    /// <summary>The raw body, exactly as signed; null when it exceeds <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
