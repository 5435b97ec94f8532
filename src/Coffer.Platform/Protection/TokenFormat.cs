using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Coffer.Platform.Protection;

/// <summary>What tokens, kinds and last-four hints look like, and the associated data that binds a token's ciphertext to its row.</summary>
internal static partial class TokenFormat
{
    public const string Prefix = "tok_";
    public const int RandomLength = 24;

    /// <summary>The <c>tokens.token</c> column: room for the prefix, the random part and a later, longer format.</summary>
    public const int MaxTokenLength = 40;

    public const int MaxTenantLength = 64;
    public const int MaxKindLength = 32;

    /// <summary>Longest value accepted: far above any account number, reference or API secret.</summary>
    public const int MaxValueLength = 4096;

    /// <summary>
    /// Fewest letters and digits a value needs for its last four to be kept: four of a short value would give most of it away.
    /// </summary>
    public const int MinCharactersForLast4 = 8;

    /// <summary>RFC 4648 base32, lower case: 5 bits a character, so 24 characters carry 120 random bits.</summary>
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string NewToken() => Prefix + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    public static bool IsWellFormed(string? token) => token is not null && TokenPattern().IsMatch(token);

    /// <summary>Lower-case letters, digits and '_', starting with a letter: <c>bank_account</c>, <c>partner_reference</c>.</summary>
    public static bool IsValidKind(string? kind) => kind is not null && KindPattern().IsMatch(kind);

    /// <summary>
    /// The last four letters or digits of <paramref name="value"/> (separators such as spaces and dashes skipped), or null
    /// when it has fewer than <see cref="MinCharactersForLast4"/> of them.
    /// </summary>
    public static string? Last4Of(string value)
    {
        var alphanumeric = value.Where(char.IsLetterOrDigit).ToArray();
        return alphanumeric.Length < MinCharactersForLast4 ? null : new string(alphanumeric[^4..]);
    }

    /// <summary>
    /// <c>"{tenant}|{kind}|{token}"</c>: a ciphertext opens only in the row it was sealed for. Neither a kind nor a token
    /// contains '|', so the string names one row even when a tenant id does.
    /// </summary>
    public static string AssociatedData(string tenantId, string kind, string token) => $"{tenantId}|{kind}|{token}";

    [GeneratedRegex("^tok_[a-z2-7]{24}$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}$")]
    private static partial Regex KindPattern();
}
