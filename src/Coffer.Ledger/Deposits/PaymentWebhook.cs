using Coffer.Ledger.Money;
using System.Text.Json;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Coffer.Platform.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Ledger.Deposits;

/// <summary>
/// <c>POST /api/v1/webhooks/payments</c>: the payment provider announces money received for a wallet. The request is
/// authenticated by its Standard Webhooks signature (no bearer token); a verified event is acknowledged at once and its
/// credit runs as job <c>deposit.credit</c>. The webhook id's receipt, the job and nothing else are written in one
/// transaction, so a replayed id answers 200 with no effect.
/// </summary>
internal static class PaymentWebhook
{
    public const string Source = "payments";
    public const string DepositEvent = "deposit.succeeded";
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The event the provider signs: <c>data</c> carries the metadata Coffer attached when it asked for the payment.</summary>
    public sealed record Event(string? Type, EventData? Data);

    public sealed record EventData(string? TenantId, Guid? AccountId, long? Amount, string? Currency, string? Reference);

    /// <summary>What the provider is told: accepted (with the job), duplicate (replayed id), or ignored (another event type).</summary>
    public sealed record Acknowledgement(string Status, Guid? JobId = null);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapPaymentWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/webhooks/payments", Receive)
            .WithTags("Webhooks")
            .AllowAnonymous()
            .WithMetadata(new SignatureAuthenticatedMetadata("Standard Webhooks"))
            .RequireRateLimit(RateLimitSettings.Writes)
            .Accepts<Event>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Payment provider webhook (Standard Webhooks signature): credits a wallet once, through a job")
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
        HttpContext http, WebhookSecrets secrets, DbSession session, JobQueue jobs, RecordClock clock, TimeProvider time,
        CancellationToken cancellationToken)
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
        var parsed = Parse(body, out var errors);
        if (parsed is null)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var (type, data) = parsed.Value;
        // The event names its tenant; it is trusted because the provider signed it, and only that tenant's rows are touched.
        session.TenantScope = type == DepositEvent ? data!.TenantId : DbSession.AllTenants;
        session.Operation = "POST /api/v1/webhooks/payments";
        await session.BeginAsync(cancellationToken);
        try
        {
            var received = await session.ExecuteAsync([WebhookReceipt.Record(Source, id, clock.Now())], cancellationToken);
            if (received[0] == 0)
            {
                return TypedResults.Ok(new Acknowledgement("duplicate"));
            }
            Guid? jobId = null;
            if (type == DepositEvent)
            {
                jobId = jobs.Enqueue(data!.TenantId!, CreditDepositJob.JobType,
                    new CreditDepositJob.Payload(data.TenantId!, data.AccountId!.Value, data.Amount!.Value, data.Currency!, data.Reference!, id),
                    ownerSubject: null);
            }
            await session.CommitAsync([], cancellationToken);
            return TypedResults.Ok(new Acknowledgement(jobId is null ? "ignored" : "accepted", jobId));
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    private static (string Type, EventData? Data)? Parse(byte[] body, out ValidationErrors errors)
    {
        errors = new ValidationErrors();
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
        var type = errors.RequiredText("type", parsed?.Type, 100);
        if (type == DepositEvent)
        {
            var data = parsed!.Data;
            errors.RequiredText("data.tenantId", data?.TenantId, 64);
            errors.Id("data.accountId", data?.AccountId);
            errors.Amount("data.amount", data?.Amount);
            errors.Currency("data.currency", data?.Currency);
            errors.RequiredText("data.reference", data?.Reference, 255);
        }
        return errors.Any ? null : (type!, parsed!.Data);
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
