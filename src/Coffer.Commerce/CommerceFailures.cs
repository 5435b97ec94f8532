using Coffer.Platform.Results;

namespace Coffer.Commerce;

/// <summary>The commerce module's expected failures and their stable codes (docs/commerce.md lists them).</summary>
internal static class CommerceFailures
{
    public static Failure SkuTaken(IReadOnlyList<string> skus) =>
        new Failure(409, "sku_taken", "SKU already in use", "Another variant of this tenant has that SKU; SKUs are unique per tenant.")
            .With("skus", skus);

    public static Failure InvalidTransition(string resource, string from, string to) =>
        new Failure(409, "invalid_transition", "Invalid state transition", $"The {resource} is {from}; it cannot become {to}.")
            .With("status", from).With("from", from).With("to", to);
}
