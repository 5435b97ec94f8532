using System.Text.Json;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;

namespace Coffer.Platform.Idempotency;

/// <summary>Where an endpoint accepts its idempotency key (<see cref="IdempotencyEndpointExtensions.RequireIdempotency(Microsoft.AspNetCore.Builder.RouteHandlerBuilder, IdempotencyKeySource)"/>).</summary>
public enum IdempotencyKeySource
{
    /// <summary>Only the <c>Idempotency-Key</c> header: the default.</summary>
    Header,

    /// <summary>
    /// The <c>Idempotency-Key</c> header or the top-level string property <c>idempotencyKey</c> of the JSON body, for
    /// clients that cannot set headers; given both ways, they must be equal. The endpoint's request type declares the property.
    /// </summary>
    HeaderOrBody,
}

/// <summary>Finds and checks a request's idempotency key in the places its endpoint accepts.</summary>
internal static class IdempotencyKeys
{
    public const string BodyPropertyName = "idempotencyKey";

    /// <summary>The key, or the failure to answer with: missing, malformed, or given twice with different values.</summary>
    public static async Task<(string? Key, Failure? Failure)> ReadAsync(HttpContext http, IdempotencyKeySource source, bool caseInsensitive)
    {
        var values = http.Request.Headers[IdempotencySettings.HeaderName];
        var header = values.Count == 0 || string.IsNullOrWhiteSpace(values[0]) ? null : values[0];
        if (header is not null && (values.Count > 1 || !IsWellFormed(header)))
        {
            return (null, Failure.Validation(IdempotencySettings.HeaderName, "Send exactly one key of 1 to 255 printable ASCII characters."));
        }
        if (source == IdempotencyKeySource.Header)
        {
            return header is null
                ? (null, new Failure(400, "idempotency_key_missing", "Idempotency-Key header missing",
                    "This request moves money or creates a resource: send a unique Idempotency-Key header (at most 255 characters)."))
                : (header, null);
        }
        var body = FindInBody(await ReadBodyAsync(http), caseInsensitive);
        if (body.Invalid || body.Key is { } bodyKey && !IsWellFormed(bodyKey))
        {
            return (null, Failure.Validation(BodyPropertyName, "A string of 1 to 255 printable ASCII characters, given once."));
        }
        if (header is not null && body.Key is not null && !string.Equals(header, body.Key, StringComparison.Ordinal))
        {
            return (null, new Failure(400, "idempotency_key_mismatch", "Idempotency keys differ",
                "The Idempotency-Key header and the body's idempotencyKey differ; send the key one way, or the same key both ways."));
        }
        return (header ?? body.Key) is { } key
            ? (key, null)
            : (null, new Failure(400, "idempotency_key_missing", "Idempotency key missing",
                "This request moves money or creates a resource: send a unique key (at most 255 characters) in the "
                + "Idempotency-Key header or in the body's idempotencyKey property."));
    }

    private static bool IsWellFormed(string key) =>
        key.Length is > 0 and <= IdempotencySettings.MaxKeyLength && !string.IsNullOrWhiteSpace(key) && key.All(c => c is >= (char)0x20 and <= (char)0x7e);

    /// <summary>The raw body, buffered by <see cref="IdempotencyBuffering"/>; bounded like every request body.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        var stream = http.Request.Body;
        if (!stream.CanSeek)
        {
            return [];
        }
        if (stream.Length > PlatformModule.MaxRequestBodyBytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
        stream.Position = 0;
        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, http.RequestAborted);
        stream.Position = 0;
        return bytes;
    }

    /// <summary>
    /// The top-level <c>idempotencyKey</c> of a JSON object body; nested properties of that name are data, not keys.
    /// A body that is not a JSON object has none (its endpoint's binding answers for it). Null counts as absent; any
    /// other non-string, or the property twice, is invalid.
    /// </summary>
    internal static (string? Key, bool Invalid) FindInBody(ReadOnlySpan<byte> body, bool caseInsensitive)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = PlatformModule.MaxJsonDepth });
        string? key = null;
        var seen = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, false);
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKey = caseInsensitive
                    ? string.Equals(reader.GetString(), BodyPropertyName, StringComparison.OrdinalIgnoreCase)
                    : reader.ValueTextEquals(BodyPropertyName);
                reader.Read();
                if (!isKey)
                {
                    reader.Skip();
                    continue;
                }
                if (seen || reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                {
                    return (null, true);
                }
                seen = true;
                key = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }
        catch (JsonException)
        {
            return (null, false); // malformed JSON: the endpoint's binding refuses it with validation_failed
        }
        return (key, false);
    }
}
