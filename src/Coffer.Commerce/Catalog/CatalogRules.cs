using Coffer.Ledger.Money;
using Coffer.Platform.Results;

namespace Coffer.Commerce.Catalog;

/// <summary>The limits of a catalog product and the field rules of its variants: the one place they are written.</summary>
internal static class CatalogRules
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxVariants = 50;
    public const int MaxSkuLength = 64;
    public const int MaxAttributes = 20;
    public const int MaxAttributeKeyLength = 64;
    public const int MaxAttributeValueLength = 256;
    public const int MaxPrices = 10;

    public sealed record VariantRequest(string? Sku, Dictionary<string, string>? Attributes, Dictionary<string, long>? Prices);

    public sealed record ValidVariant(string Sku, IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, long> Prices);

    public static string? Status(ValidationErrors errors, string field, string? status)
    {
        if (status is not null && !CatalogStatuses.All.Contains(status))
        {
            errors.Add(field, $"One of: {string.Join(", ", CatalogStatuses.All)}.");
        }
        return status;
    }

    public static ValidVariant Variant(ValidationErrors errors, string field, VariantRequest? request)
    {
        if (request is null)
        {
            errors.Add(field, "Required.");
            return new ValidVariant("", new Dictionary<string, string>(), new Dictionary<string, long>());
        }
        var sku = errors.RequiredText($"{field}.sku", request.Sku, MaxSkuLength) ?? "";
        var attributes = request.Attributes ?? [];
        if (attributes.Count > MaxAttributes)
        {
            errors.Add($"{field}.attributes", $"At most {MaxAttributes} attributes.");
        }
        foreach (var (key, value) in attributes)
        {
            if (key.Length is 0 or > MaxAttributeKeyLength || value is null || value.Length > MaxAttributeValueLength)
            {
                errors.Add($"{field}.attributes", $"Keys of 1 to {MaxAttributeKeyLength} characters, values of at most {MaxAttributeValueLength}.");
                break;
            }
        }
        return new ValidVariant(sku, attributes, Prices(errors, $"{field}.prices", request.Prices));
    }

    /// <summary>A price map: 1 to <see cref="MaxPrices"/> ISO 4217 currencies, each a positive amount in minor units.</summary>
    public static IReadOnlyDictionary<string, long> Prices(ValidationErrors errors, string field, Dictionary<string, long>? prices)
    {
        if (prices is null || prices.Count == 0)
        {
            errors.Add(field, "At least one currency → amount in minor units.");
            return new Dictionary<string, long>();
        }
        if (prices.Count > MaxPrices)
        {
            errors.Add(field, $"At most {MaxPrices} currencies.");
        }
        foreach (var (currency, amount) in prices)
        {
            errors.Currency($"{field}.{currency}", currency);
            errors.Amount($"{field}.{currency}", amount);
        }
        return prices;
    }
}
