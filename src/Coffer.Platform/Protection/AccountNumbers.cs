namespace Coffer.Platform.Protection;

/// <summary>The one shape of a bank account number (or IBAN) Coffer accepts before it tokenizes one.</summary>
public static class AccountNumbers
{
    public const string Rule = "6 to 34 letters and digits (spaces and dashes allowed).";

    /// <summary>The number without spaces and dashes, upper case; null unless it is 6 to 34 letters and digits.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var compact = value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return compact.Length is >= 6 and <= 34 && compact.All(char.IsAsciiLetterOrDigit) ? compact.ToUpperInvariant() : null;
    }
}
