using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coffer.FakeProvider;

/// <summary>
/// An investment partner: <c>POST /partner/investments</c> and <c>/partner/redemptions</c>, which check the caller's
/// credentials before anything else, as a partner's gateway would. A request passes with a registered
/// <c>X-Api-Key</c> (<c>POST /_control/partner-credentials</c>) and
/// <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;lowercase hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>, within
/// <see cref="Tolerance"/> of now; any other is answered 401 <c>invalid_credentials</c>, meets no behaviour and acts on nothing.
/// </summary>
public static class FakePartner
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string SignatureHeader = "X-Signature";

    /// <summary>How far a signature's timestamp may be from the fake's clock.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static void Map(WebApplication app)
    {
        app.MapPost("/partner/investments", (HttpContext http, FakeProviderState state, TimeProvider time) =>
            AnswerAsync<PartnerInvestmentBody>(http, state, time, FakeEndpoints.PartnerInvestments, body => (body.AmountMinor, body.Currency),
                n => new { partnerReference = $"pt_{n:D6}", status = "active" }, _ => null));
        app.MapPost("/partner/redemptions", (HttpContext http, FakeProviderState state, TimeProvider time) =>
            AnswerAsync<PartnerRedemptionBody>(http, state, time, FakeEndpoints.PartnerRedemptions, body => (body.AmountMinor, body.Currency),
                n => new { partnerReference = $"pr_{n:D6}", status = "redeemed" }, body => body.PartnerReference));
        app.MapPost("/_control/partner-credentials", (PartnerCredentials credentials, FakeProviderState state) =>
        {
            if (string.IsNullOrEmpty(credentials.ApiKey) || string.IsNullOrEmpty(credentials.Secret))
            {
                return Results.BadRequest(new FakeError("invalid_credentials", "apiKey and secret are required."));
            }
            state.AddPartnerCredentials(credentials);
            return Results.NoContent(); // never echo the secret
        });
    }

    private static async Task<IResult> AnswerAsync<TBody>(HttpContext http, FakeProviderState state, TimeProvider time, string endpoint,
        Func<TBody, (long AmountMinor, string Currency)> amountOf, Func<long, object> create, Func<TBody, string?> partnerReferenceOf)
        where TBody : class
    {
        var raw = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (raw is null)
        {
            return Results.Json(new FakeError("too_large", $"The body may have at most {MaxBodyBytes} bytes."), statusCode: 413);
        }
        if (!Verified(http.Request.Headers, raw, state, time.GetUtcNow()))
        {
            var key = http.Request.Headers[FakeProviderApp.IdempotencyKeyHeader].ToString();
            state.Refuse(endpoint, key.Length > 0 ? key : null);
            return Results.Json(new FakeError("invalid_credentials", "The API key or the request signature is not valid."), statusCode: 401);
        }
        TBody? body;
        try
        {
            body = JsonSerializer.Deserialize<TBody>(raw, Json);
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            return Results.BadRequest(new FakeError("invalid_request", "The body is not a valid request."));
        }
        var (amountMinor, currency) = amountOf(body);
        return await FakeProviderApp.AnswerAsync(http, state, endpoint, body, FakeProviderApp.MoneyProblem(amountMinor, currency), create,
            signatureVerified: true,
            partnerReference: partnerReferenceOf(body));
    }

    /// <summary>Whether the API key is registered and the signature is its secret's over this timestamp and body.</summary>
    private static bool Verified(IHeaderDictionary headers, byte[] raw, FakeProviderState state, DateTimeOffset now)
    {
        var apiKey = headers[ApiKeyHeader].ToString();
        if (apiKey.Length == 0 || state.PartnerSecret(apiKey) is not { } secret)
        {
            return false;
        }
        string? timestamp = null, signature = null;
        foreach (var part in headers[SignatureHeader].ToString().Split(','))
        {
            var (name, value) = part.IndexOf('=') is var at and > 0 ? (part[..at], part[(at + 1)..]) : (part, "");
            if (name == "t")
            {
                timestamp = value;
            }
            else if (name == "v1")
            {
                signature = value;
            }
        }
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
        {
            return false;
        }
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        mac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        mac.AppendData(raw);
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(mac.GetHashAndReset()));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>The raw body, or null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
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
