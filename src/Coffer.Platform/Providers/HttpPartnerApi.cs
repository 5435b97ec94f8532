using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Platform.Providers;

/// <summary>
/// <see cref="IPartnerApi"/> over HTTP: each request goes to the partner's own base URL, carries its API key and a
/// signature of the exact body sent, and runs through the partner's own pipeline (<see cref="CircuitKey"/>).
/// </summary>
internal sealed class HttpPartnerApi(HttpClient http, ProviderCalls calls, TimeProvider time) : IPartnerApi
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string SignatureHeader = "X-Signature";

    /// <summary>The request option that selects the partner's resilience pipeline, and so its circuit: the partner's id.</summary>
    public static readonly HttpRequestOptionsKey<string> CircuitKey = new("Coffer.Providers.Partner");

    public Task<PartnerReceipt> PlaceInvestmentAsync(PartnerEndpoint partner, PartnerOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        return CallAsync(partner, "investments", order.Reference, order, ct);
    }

    public Task<PartnerReceipt> RedeemInvestmentAsync(PartnerEndpoint partner, PartnerRedemption redemption, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(redemption);
        return CallAsync(partner, "redemptions", redemption.Reference, redemption, ct);
    }

    private Task<PartnerReceipt> CallAsync<TBody>(PartnerEndpoint partner, string operation, string reference, TBody body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partner);
        // Checked here as well as when the partner is saved: this client must never send credentials over plain http.
        var baseUrl = ProviderSettings.ParseBaseUrl(partner.BaseUrl?.OriginalString, out var problem)
            ?? throw new ArgumentException($"Partner {partner.PartnerId}: its base URL {problem}.", nameof(partner));
        // The messages name the field, never its value.
        if (string.IsNullOrEmpty(partner.ApiKey) || !partner.ApiKey.All(c => c is >= '!' and <= '~'))
        {
            throw new ArgumentException($"Partner {partner.PartnerId}: its API key must be printable ASCII without spaces.", nameof(partner));
        }
        if (string.IsNullOrEmpty(partner.Secret))
        {
            throw new ArgumentException($"Partner {partner.PartnerId}: its secret is empty.", nameof(partner));
        }
        return calls.SendAsync<PartnerReceipt>(http, ProviderSettings.Partners, operation, reference, () =>
        {
            var raw = ProviderCalls.Serialize(body);
            var content = new ByteArrayContent(raw);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, operation)) { Content = content };
            request.Headers.Add(ApiKeyHeader, partner.ApiKey);
            request.Headers.Add(SignatureHeader, PartnerSignature.Header(partner.Secret, time.GetUtcNow(), raw));
            request.Options.Set(CircuitKey, partner.PartnerId.ToString());
            return request;
        }, ct);
    }
}

/// <summary>
/// <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c> (Stripe's
/// scheme; Coffer's inbound webhooks use Standard Webhooks' instead, so nothing is shared). The timestamp is taken once per call: its retries resend the same request,
/// inside the call's total timeout (at most 5 minutes, a partner's usual tolerance).
/// </summary>
internal static class PartnerSignature
{
    public static string Header(string secret, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
