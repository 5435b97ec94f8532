using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coffer.Platform.Audit;

/// <summary>
/// How audit events are hashed. The content hash is SHA-256 over a canonical JSON array of every stored field but the
/// chain position; an event's hash is SHA-256 over <c>previous hash ‖ content hash</c> (hex text), computed by the
/// database function <c>coffer_chain_hash</c> when the event is written, so writers never read the chain head.
/// </summary>
public static class AuditHashing
{
    /// <summary>The previous hash of every chain's first event.</summary>
    public static readonly string Genesis = new('0', 64);

    public const string SqlFunctionName = "coffer_chain_hash";

    public static string ContentHash(AuditEvent e)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new[]
        {
            e.Id.ToString("D"), e.TenantId, FormatTime(e.OccurredAt), e.Actor, e.ActorType, e.Action, e.ResourceType,
            e.ResourceId, e.RequestId, e.IpAddress, e.UserAgent, e.Before, e.After,
        });
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    /// <summary>Same as the SQL function: hex SHA-256 of the UTF-8 concatenation.</summary>
    public static string ChainHash(string previousHash, string contentHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + contentHash)));

    private static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
