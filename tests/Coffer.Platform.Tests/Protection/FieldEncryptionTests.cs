using System.Security.Cryptography;
using Coffer.Platform.Protection;

namespace Coffer.Platform.Tests.Protection;

/// <summary>AES-256-GCM sealing under versioned keys: round trip, authentication, binding to a place, rotation.</summary>
public sealed class FieldEncryptionTests
{
    private const string Place = "acme|bank_account|tok_aaaaaaaaaaaaaaaaaaaaaaaa";

    private static readonly byte[] Key1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Key2 = RandomNumberGenerator.GetBytes(32);

    private static FieldEncryption Under(int activeVersion, params (int Version, byte[] Key)[] keys) =>
        new(new DataKeyRing(keys.ToDictionary(k => k.Version, k => k.Key), activeVersion, DataKeySource.Configured));

    private static readonly FieldEncryption Version1 = Under(1, (1, Key1));
    private static readonly FieldEncryption Version2 = Under(2, (1, Key1), (2, Key2));

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("Grüße, € and 😀")]
    public void Encrypt_ThenDecrypt_ReturnsThePlaintext(string plaintext)
    {
        var sealedValue = Version1.Encrypt(plaintext, Place);

        Assert.Matches("^v1:[A-Za-z0-9+/]+=*$", sealedValue);
        Assert.Equal(plaintext, Version1.Decrypt(sealedValue, Place));
        var payload = Convert.FromBase64String(sealedValue[3..]);
        Assert.Equal(FieldEncryption.NonceSizeBytes + System.Text.Encoding.UTF8.GetByteCount(plaintext) + FieldEncryption.TagSizeBytes, payload.Length);
    }

    [Fact]
    public void SameValueSealedTwice_GivesDifferentCiphertexts_BecauseEachHasItsOwnNonce()
    {
        var first = Version1.Encrypt("4111111111111111", Place);
        var second = Version1.Encrypt("4111111111111111", Place);

        Assert.NotEqual(first, second);
        Assert.NotEqual(Convert.FromBase64String(first[3..])[..12], Convert.FromBase64String(second[3..])[..12]);
        Assert.DoesNotContain("4111111111111111", first);
    }

    [Theory]
    [InlineData(0)]   // the nonce
    [InlineData(12)]  // the first ciphertext byte
    [InlineData(-1)]  // the last tag byte
    public void FlippedByte_FailsToDecrypt(int position)
    {
        var sealedValue = Version1.Encrypt("DE89370400440532013000", Place);
        var bytes = Convert.FromBase64String(sealedValue[3..]);
        bytes[position < 0 ? bytes.Length + position : position] ^= 0x01;
        var tampered = "v1:" + Convert.ToBase64String(bytes);

        var failure = Assert.Throws<CryptographicException>(() => Version1.Decrypt(tampered, Place));
        Assert.Contains("failed authentication", failure.Message);
        Assert.DoesNotContain("DE89", failure.Message);
    }

    [Theory]
    [InlineData("globex|bank_account|tok_aaaaaaaaaaaaaaaaaaaaaaaa")] // another tenant
    [InlineData("acme|partner_secret|tok_aaaaaaaaaaaaaaaaaaaaaaaa")] // another kind
    [InlineData("acme|bank_account|tok_bbbbbbbbbbbbbbbbbbbbbbbb")] // another row
    [InlineData("")]
    public void WrongAssociatedData_FailsToDecrypt(string otherPlace)
    {
        var sealedValue = Version1.Encrypt("DE89370400440532013000", Place);

        Assert.Throws<CryptographicException>(() => Version1.Decrypt(sealedValue, otherPlace));
        Assert.Equal("DE89370400440532013000", Version1.Decrypt(sealedValue, Place));
    }

    [Fact]
    public void KeyVersionNotConfigured_FailsToDecrypt_NamingTheVersion()
    {
        var underVersion2 = Version2.Encrypt("secret-api-key", Place);

        var failure = Assert.Throws<CryptographicException>(() => Version1.Decrypt(underVersion2, Place));
        Assert.Contains("data key version 2, which is not configured", failure.Message);
        Assert.Throws<CryptographicException>(() => Version1.Reencrypt(underVersion2, Place));
    }

    [Fact]
    public void SameVersionWithAnotherKey_FailsToDecrypt()
    {
        var impostor = Under(1, (1, RandomNumberGenerator.GetBytes(32)));

        Assert.Throws<CryptographicException>(() => impostor.Decrypt(Version1.Encrypt("secret", Place), Place));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("v:AAAA")]
    [InlineData("v0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("x1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1:not base64!")]
    [InlineData("v1:AAAAAAAAAAAAAAAAAAAA")] // 15 bytes: shorter than nonce and tag
    public void MalformedSealedValue_FailsToDecrypt(string malformed)
    {
        Assert.Throws<CryptographicException>(() => Version1.Decrypt(malformed, Place));
    }

    [Fact]
    public void ValueUnderAnOlderKey_NeedsRotation_AndReencryptsUnderTheActiveOne()
    {
        var old = Version1.Encrypt("secret-api-key", Place);

        Assert.False(Version1.NeedsRotation(old));
        Assert.True(Version2.NeedsRotation(old));
        var rotated = Version2.Reencrypt(old, Place);

        Assert.StartsWith("v2:", rotated);
        Assert.False(Version2.NeedsRotation(rotated));
        Assert.Equal("secret-api-key", Version2.Decrypt(rotated, Place));
        Assert.Equal("secret-api-key", Version2.Decrypt(old, Place)); // the old key still opens what it sealed
        Assert.Same(rotated, Version2.Reencrypt(rotated, Place));    // already current: unchanged
        Assert.Throws<CryptographicException>(() => Version2.Reencrypt(old, "acme|bank_account|tok_other"));
    }

    [Fact]
    public void StringThatIsNotValidUnicode_IsRefused_NotSilentlyAltered()
    {
        Assert.ThrowsAny<ArgumentException>(() => Version1.Encrypt("broken \ud800 surrogate", Place));
    }
}
