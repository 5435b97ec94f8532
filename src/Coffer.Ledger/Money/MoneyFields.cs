using Coffer.Platform.Results;

namespace Coffer.Ledger.Money;

/// <summary>The field rules of an amount and a currency, shared by every module that takes money in a request.</summary>
public static class MoneyFields
{
    public static long Amount(this ValidationErrors errors, string field, long? amount)
    {
        if (errors.Required(field, amount) is not { } value)
        {
            return 0;
        }
        if (value <= 0)
        {
            errors.Add(field, "Must be a positive integer in minor units.");
        }
        else if (value > Money.MaxAmountMinor)
        {
            errors.Add(field, $"At most {Money.MaxAmountMinor} minor units.");
        }
        return value;
    }

    public static string Currency(this ValidationErrors errors, string field, string? currency)
    {
        if (string.IsNullOrEmpty(currency))
        {
            errors.Add(field, "Required.");
            return "";
        }
        if (!Currencies.IsKnown(currency))
        {
            errors.Add(field, "Unknown ISO 4217 currency code (use upper case, e.g. USD).");
        }
        return currency;
    }
}
