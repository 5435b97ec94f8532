using Coffer.Platform.Results;

namespace Coffer.Investments;

/// <summary>The investment module's expected failures and their stable codes (docs/api.md lists them).</summary>
internal static class InvestmentFailures
{
    public static Failure InvalidTransition(string resource, string from, string to) =>
        new Failure(409, "invalid_transition", "Invalid state transition", $"The {resource} is {from}; it cannot become {to}.")
            .With("status", from).With("from", from).With("to", to);

    public static Failure ProductNotOpen(string status) =>
        new Failure(422, "product_not_open", "Product is not open", $"The product is {status}; only an open product takes investments.")
            .With("productStatus", status);

    public static Failure AmountOutOfRange(long min, long max) =>
        new Failure(422, "amount_out_of_range", "Amount out of range", $"This product takes {min} to {max} minor units per investment.")
            .With("minAmount", min).With("maxAmount", max);

    public static Failure CurrencyMismatch(string expected, string actual, string field) =>
        new Failure(422, "currency_mismatch", "Currency mismatch", $"'{field}' is in {actual}; the product is in {expected}.")
            .With("field", field);

    public static Failure PartnerNotActive(Guid partnerId) =>
        new Failure(422, "partner_not_active", "Partner is not active", "The partner is suspended; it takes no new products.")
            .With("partnerId", partnerId);
}
