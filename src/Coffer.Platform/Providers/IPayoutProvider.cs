using System.Text;
using Coffer.Platform.Observability;

namespace Coffer.Platform.Providers;

/// <summary>
/// Pays money out of Coffer to an external account through the configured payout provider
/// (<c>Coffer:Providers:Payouts</c>). Registered only when the provider is configured.
/// </summary>
public interface IPayoutProvider
{
    /// <summary>
    /// Asks the provider to pay <paramref name="request"/> out. Safe to repeat with the same
    /// <see cref="PayoutRequest.Reference"/>: the provider pays once and answers the same receipt.
    /// </summary>
    /// <exception cref="ProviderException">The provider refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    Task<PayoutReceipt> PayOutAsync(PayoutRequest request, CancellationToken ct);
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>: the provider pays each reference once.</param>
/// <param name="AmountMinor">Integer minor units, above zero.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="AccountNumber">The destination account: secret, never logged (and left out of <see cref="ToString"/>).</param>
/// <param name="AccountHolder">The destination account's holder, when the provider needs it.</param>
public sealed record PayoutRequest(
    string Reference,
    long AmountMinor,
    string Currency,
    [property: SecretData] string AccountNumber,
    [property: PersonalData] string? AccountHolder)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Reference = {Reference}, AmountMinor = {AmountMinor}, Currency = {Currency}, AccountNumber = ***, AccountHolder = ***");
        return true;
    }
}

/// <param name="ProviderReference">The provider's id of the payout.</param>
/// <param name="Status">The provider's status of the payout: <c>paid</c>.</param>
public sealed record PayoutReceipt(string ProviderReference, string Status);
