using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Platform.Protection;

/// <summary>
/// Seals sensitive fields with AES-256-GCM under versioned keys. A sealed value reads
/// <c>v{version}:{base64(nonce ‖ ciphertext ‖ tag)}</c>, with a fresh random 12-byte nonce and a 16-byte tag. The
/// associated data names the value's place (e.g. <c>"{tenant}|{kind}|{token}"</c>): it is authenticated, not stored, so a
/// sealed value copied to another row or field fails to open there. Every failure to open is a
/// <see cref="CryptographicException"/> whose message never contains the value.
/// </summary>
public sealed class FieldEncryption
{
    public const int NonceSizeBytes = 12;
    public const int TagSizeBytes = 16;

    /// <summary>Refuses strings that are not valid UTF-16 (lone surrogates) instead of silently altering them.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly DataKeyRing _keys;

    internal FieldEncryption(DataKeyRing keys) => _keys = keys;

    /// <summary>The key version new values are sealed with.</summary>
    public int ActiveKeyVersion => _keys.ActiveVersion;

    public string Encrypt(string plaintext, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(associatedData);
        return Seal(StrictUtf8.GetBytes(plaintext), associatedData);
    }

    public string Decrypt(string sealedValue, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(associatedData);
        var plaintext = Open(sealedValue, associatedData);
        try
        {
            return StrictUtf8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>True when <paramref name="sealedValue"/> is sealed under a key other than the active one.</summary>
    public bool NeedsRotation(string sealedValue) => KeyVersionOf(sealedValue) != _keys.ActiveVersion;

    /// <summary>
    /// The value sealed under the active key. It is opened (and so authenticated) either way; one already under the
    /// active key is returned unchanged.
    /// </summary>
    public string Reencrypt(string sealedValue, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(associatedData);
        var plaintext = Open(sealedValue, associatedData);
        try
        {
            return NeedsRotation(sealedValue) ? Seal(plaintext, associatedData) : sealedValue;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The key version named by a sealed value's header (the value itself is not authenticated here).</summary>
    internal static int KeyVersionOf(string sealedValue)
    {
        ArgumentNullException.ThrowIfNull(sealedValue);
        var separator = sealedValue.IndexOf(':');
        if (separator < 2 || sealedValue[0] != 'v'
            || !int.TryParse(sealedValue.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || version < 1)
        {
            throw new CryptographicException("Not a sealed value: expected 'v{version}:{base64}'.");
        }
        return version;
    }

    /// <summary>Seals <paramref name="plaintext"/> under the active key, then wipes it.</summary>
    private string Seal(byte[] plaintext, string associatedData)
    {
        var version = _keys.ActiveVersion;
        var sealedBytes = new byte[NonceSizeBytes + plaintext.Length + TagSizeBytes];
        var nonce = sealedBytes.AsSpan(0, NonceSizeBytes);
        RandomNumberGenerator.Fill(nonce);
        try
        {
            using var aes = new AesGcm(_keys.KeyOf(version)!, TagSizeBytes);
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSizeBytes, plaintext.Length),
                sealedBytes.AsSpan(NonceSizeBytes + plaintext.Length), StrictUtf8.GetBytes(associatedData));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
        return $"v{version.ToString(CultureInfo.InvariantCulture)}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>Authenticates and opens a sealed value; the caller wipes the returned plaintext.</summary>
    private byte[] Open(string sealedValue, string associatedData)
    {
        var version = KeyVersionOf(sealedValue);
        var key = _keys.KeyOf(version) ?? throw new CryptographicException(
            $"The value is sealed under data key version {version}, which is not configured "
            + $"(configured: {string.Join(", ", _keys.Versions)}). Configure that key again, at least until 'coffer keys rotate' has run.");
        var payload = sealedValue.AsSpan(sealedValue.IndexOf(':') + 1);
        var sealedBytes = new byte[payload.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64Chars(payload, sealedBytes, out var length) || length < NonceSizeBytes + TagSizeBytes)
        {
            throw new CryptographicException("Not a sealed value: its payload is not base64 of nonce, ciphertext and tag.");
        }
        var ciphertextLength = length - NonceSizeBytes - TagSizeBytes;
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(key, TagSizeBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSizeBytes), sealedBytes.AsSpan(NonceSizeBytes, ciphertextLength),
                sealedBytes.AsSpan(NonceSizeBytes + ciphertextLength, TagSizeBytes), plaintext, StrictUtf8.GetBytes(associatedData));
        }
        catch (AuthenticationTagMismatchException mismatch)
        {
            throw new CryptographicException(
                "The sealed value failed authentication: it was altered, or it belongs to other associated data (another row or field).",
                mismatch);
        }
        return plaintext;
    }
}
