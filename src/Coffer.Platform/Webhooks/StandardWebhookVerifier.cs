using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Platform.Webhooks;

/// <summary>Why a webhook was refused; each is answered without any effect.</summary>
public enum WebhookRejection
{
    None,
    MissingHeaders,
    MalformedTimestamp,
    StaleTimestamp,
    BadSignature,
}

/// <summary>
/// Verifies Standard Webhooks signatures (standardwebhooks.com): <c>webhook-signature</c> holds one or more
/// space-separated <c>v1,&lt;base64 HMAC-SHA256&gt;</c> over <c>{webhook-id}.{webhook-timestamp}.{raw body}</c>, keyed by
/// a <c>whsec_&lt;base64&gt;</c> secret. Several secrets may be configured (rotation: the sender signs with the new one
/// while the old one is still accepted), and any matching pair accepts. The timestamp must be within the tolerance of
/// the receiver's clock, either way (5 minutes), which bounds how long a captured request can be replayed; signatures
/// are compared in constant time.
/// </summary>
public sealed class StandardWebhookVerifier
{
    public const string SecretPrefix = "whsec_";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private readonly IReadOnlyList<byte[]> _keys;
    private readonly TimeSpan _tolerance;

    public StandardWebhookVerifier(IEnumerable<string> secrets, TimeSpan? tolerance = null)
    {
        _keys = secrets.Select(Decode).ToList();
        if (_keys.Count == 0)
        {
            throw new InvalidOperationException("A webhook endpoint needs at least one signing secret.");
        }
        _tolerance = tolerance ?? DefaultTolerance;
    }

    public WebhookRejection Verify(string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return WebhookRejection.MissingHeaders;
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookRejection.MalformedTimestamp;
        }
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > _tolerance)
        {
            return WebhookRejection.StaleTimestamp;
        }
        var signed = Signed(id, timestamp, body);
        var offered = signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split(',', 2))
            .Where(parts => parts.Length == 2 && parts[0] == "v1")
            .Select(parts => TryBase64(parts[1]))
            .OfType<byte[]>()
            .ToList();
        foreach (var key in _keys)
        {
            var expected = HMACSHA256.HashData(key, signed);
            if (offered.Any(signature => CryptographicOperations.FixedTimeEquals(signature, expected)))
            {
                return WebhookRejection.None;
            }
        }
        return WebhookRejection.BadSignature;
    }

    /// <summary>The <c>webhook-signature</c> value a sender with <paramref name="secret"/> writes (for senders and tests).</summary>
    public static string Sign(string secret, string id, long timestampSeconds, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Decode(secret),
            Signed(id, timestampSeconds.ToString(CultureInfo.InvariantCulture), body)));

    private static byte[] Signed(string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return signed;
    }

    private static byte[] Decode(string secret)
    {
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var key = TryBase64(encoded);
        if (key is not { Length: >= 24 })
        {
            throw new InvalidOperationException("A webhook secret is 'whsec_' followed by at least 24 bytes in base64.");
        }
        return key;
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
