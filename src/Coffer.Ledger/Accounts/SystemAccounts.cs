using System.Security.Cryptography;
using System.Text;

namespace Coffer.Ledger.Accounts;

/// <summary>
/// Per-tenant, per-currency system accounts, created on demand. Their ids are derived from
/// (tenant, currency, code), so creating one is an idempotent insert that needs no lookup.
/// </summary>
public static class SystemAccounts
{
    /// <summary>Where money enters and leaves the ledger (deposits, withdrawals); may go negative.</summary>
    public const string ExternalClearing = "external_clearing";

    internal static readonly IReadOnlySet<string> Codes = new HashSet<string>(StringComparer.Ordinal) { ExternalClearing };

    /// <summary>The longest system account code (the column's width).</summary>
    public const int MaxCodeLength = 32;

    /// <summary>A lower-case name (<c>a-z</c>, <c>_</c>), optionally followed by <c>:</c> and a suffix of letters, digits, <c>-</c>, <c>_</c>.</summary>
    public static bool IsValidCode(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > MaxCodeLength)
        {
            return false;
        }
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? code : code[..colon];
        var suffix = colon < 0 ? "" : code[(colon + 1)..];
        return name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or '_')
            && (colon < 0 || (suffix.Length > 0 && suffix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')));
    }

    /// <summary>A name-based UUID (RFC 9562 version 8) of the tenant, currency and code.</summary>
    public static Guid IdOf(string tenantId, string currency, string code)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"coffer:system-account:{tenantId}:{currency}:{code}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
