using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Coffer.Platform.Providers;

/// <summary>
/// One provider call: a JSON POST with the request's reference as <c>Idempotency-Key</c>, sent through the provider's
/// resilience pipeline, answered with the provider's JSON or a <see cref="ProviderException"/> of the right kind;
/// counted in <c>coffer.provider.calls</c> and logged (never with the request or response body).
/// </summary>
internal sealed partial class ProviderCalls(ProviderMetrics metrics, TimeProvider time, ILogger<ProviderCalls> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The longest reference sent as an idempotency key (what Coffer's own API accepts, and providers commonly do).</summary>
    public const int MaxReferenceLength = 255;

    /// <summary>camelCase both ways; a success answer missing a required field is unreadable rather than half-read.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>A JSON POST of <paramref name="body"/> to <paramref name="path"/> under the client's base address.</summary>
    public Task<TResponse> PostAsync<TRequest, TResponse>(
        HttpClient http, string provider, string path, string reference, TRequest body, CancellationToken ct)
        where TResponse : class =>
        SendAsync<TResponse>(http, provider, path, reference,
            () => new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) }, ct);

    /// <summary>
    /// A call whose request the caller builds (a partner's: its own URL, signed headers); this adds the
    /// <c>Idempotency-Key</c>, sends it and classifies the outcome. <paramref name="operation"/> names the call in logs
    /// and errors.
    /// </summary>
    public async Task<TResponse> SendAsync<TResponse>(
        HttpClient http, string provider, string operation, string reference, Func<HttpRequestMessage> createRequest, CancellationToken ct)
        where TResponse : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reference.Length, MaxReferenceLength, nameof(reference));
        try
        {
            using var request = createRequest();
            request.Headers.Add(IdempotencyKeyHeader, reference);
            var answer = await ExchangeAsync<TResponse>(http, provider, operation, request, ct);
            metrics.CallCompleted(provider, "success");
            return answer;
        }
        catch (ProviderException failure)
        {
            metrics.CallCompleted(provider, failure.Kind switch
            {
                ProviderFailureKind.Rejected => "rejected",
                ProviderFailureKind.Unavailable => "short_circuited",
                _ => "transient",
            });
            LogFailure(failure, provider, operation, reference);
            throw;
        }
    }

    /// <summary><paramref name="body"/> as the UTF-8 JSON a provider call sends (for a caller that signs the raw body).</summary>
    public static byte[] Serialize<TRequest>(TRequest body) => JsonSerializer.SerializeToUtf8Bytes(body, Json);

    private async Task<TResponse> ExchangeAsync<TResponse>(
        HttpClient http, string provider, string path, HttpRequestMessage request, CancellationToken ct)
        where TResponse : class
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (BrokenCircuitException open)
        {
            throw new ProviderException(provider, ProviderFailureKind.Unavailable,
                $"{provider} {path}: circuit open, not sent to the provider", retryAfter: open.RetryAfter, innerException: open);
        }
        catch (TimeoutRejectedException timeout)
        {
            throw new ProviderException(provider, ProviderFailureKind.Transient, $"{provider} {path}: timed out", innerException: timeout);
        }
        catch (HttpRequestException unreachable)
        {
            throw new ProviderException(provider, ProviderFailureKind.Transient,
                $"{provider} {path}: no answer ({unreachable.HttpRequestError})", innerException: unreachable);
        }
        catch (OperationCanceledException backstop) when (!ct.IsCancellationRequested)
        {
            // HttpClient.Timeout, a backstop above the pipeline's total timeout: only a response body that never ends reaches it.
            throw new ProviderException(provider, ProviderFailureKind.Transient, $"{provider} {path}: timed out", innerException: backstop);
        }
        using (response)
        {
            return response.IsSuccessStatusCode
                ? await ReadAnswerAsync<TResponse>(response, provider, path, ct)
                : throw await FailureAsync(response, provider, path, ct);
        }
    }

    /// <summary>
    /// The provider's answer. An unreadable one is Transient, not Rejected: the provider may have acted on the request,
    /// and a repeat with the same reference is safe while giving up is not.
    /// </summary>
    private static async Task<TResponse> ReadAnswerAsync<TResponse>(HttpResponseMessage response, string provider, string path, CancellationToken ct)
        where TResponse : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<TResponse>(Json, ct)
                ?? throw new JsonException("The answer is null.");
        }
        catch (JsonException unreadable)
        {
            throw new ProviderException(provider, ProviderFailureKind.Transient,
                $"{provider} {path}: unreadable answer (HTTP {(int)response.StatusCode})", (int)response.StatusCode, "invalid_response",
                innerException: unreadable);
        }
    }

    /// <summary>408, 429 and 5xx are Transient (the retries are spent by now); other 4xx are Rejected; anything else is Transient.</summary>
    private async Task<ProviderException> FailureAsync(HttpResponseMessage response, string provider, string path, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var refused = status is >= 400 and < 500 && !ProviderResilience.IsTransientStatus(response.StatusCode);
        var error = await ReadErrorAsync(response, ct);
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return new ProviderException(provider, refused ? ProviderFailureKind.Rejected : ProviderFailureKind.Transient,
            $"{provider} {path}: {(refused ? "rejected" : "failed")} with HTTP {status}{(error?.Code is { } code ? $" ({code})" : "")}",
            status, error?.Code, error?.Message, retryAfter);
    }

    /// <summary>The provider's <c>{code, message}</c>, when the body is one; null for any other body.</summary>
    private static async Task<ProviderError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }
        try
        {
            return await response.Content.ReadFromJsonAsync<ProviderError>(ErrorJson, ct);
        }
        catch (JsonException)
        {
            return null; // the status alone classifies the failure; a malformed error body adds nothing
        }
    }

    private static readonly JsonSerializerOptions ErrorJson = new(JsonSerializerDefaults.Web);

    private sealed record ProviderError(string? Code, string? Message);

    private void LogFailure(ProviderException failure, string provider, string path, string reference)
    {
        switch (failure.Kind)
        {
            case ProviderFailureKind.Rejected:
                LogRejected(logger, provider, path, reference, failure.StatusCode, failure.ProviderErrorCode);
                break;
            case ProviderFailureKind.Unavailable:
                LogShortCircuited(logger, provider, path, reference);
                break;
            default:
                LogTransient(logger, failure, provider, path, reference, failure.StatusCode);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Provider {Provider} rejected {Operation} {Reference}: HTTP {StatusCode}, code {ProviderErrorCode}")]
    private static partial void LogRejected(ILogger logger, string provider, string operation, string reference, int? statusCode, string? providerErrorCode);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Provider {Provider} failed {Operation} {Reference} after its retries: HTTP {StatusCode}")]
    private static partial void LogTransient(ILogger logger, Exception exception, string provider, string operation, string reference, int? statusCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Provider {Provider} circuit open: {Operation} {Reference} not sent")]
    private static partial void LogShortCircuited(ILogger logger, string provider, string operation, string reference);
}
