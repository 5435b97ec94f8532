using System.Text.Json;
using Coffer.Ledger.Money;
using Coffer.Platform.Results;

namespace Coffer.Ledger;

/// <summary>The field rules shared by every money-moving request.</summary>
internal static class LedgerValidation
{
    public const int MaxDescriptionLength = 500;
    public const int MaxMetadataEntries = 20;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataValueLength = 500;

    public static Guid Id(this ValidationErrors errors, string field, Guid? id)
    {
        if (errors.Required(field, id) is { } value && value == Guid.Empty)
        {
            errors.Add(field, "Must not be the empty id.");
        }
        return id ?? Guid.Empty;
    }

    /// <summary>At most 20 string pairs, keys up to 40 and values up to 500 characters; stored as JSON.</summary>
    public static string? Metadata(this ValidationErrors errors, string field, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return null;
        }
        if (metadata.Count > MaxMetadataEntries)
        {
            errors.Add(field, $"At most {MaxMetadataEntries} entries.");
        }
        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength || value is null || value.Length > MaxMetadataValueLength)
            {
                errors.Add($"{field}.{key}", $"Keys need 1 to {MaxMetadataKeyLength} characters, values a string of at most {MaxMetadataValueLength}.");
            }
        }
        return JsonSerializer.Serialize(metadata);
    }

    public static IReadOnlyDictionary<string, string>? ParseMetadata(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);
}
