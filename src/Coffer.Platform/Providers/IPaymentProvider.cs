using System.Text;
using Coffer.Platform.Observability;

namespace Coffer.Platform.Providers;

/// <summary>
/// Takes card and wallet payments into Coffer through the configured payment provider (<c>Coffer:Providers:Payments</c>).
/// Registered only when the provider is configured. Every call is safe to repeat with the same reference.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>Opens a payment intent the payer then completes with the provider (using the client secret).</summary>
    /// <exception cref="ProviderException">The provider refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    Task<PaymentIntent> CreateIntentAsync(PaymentIntentRequest request, CancellationToken ct);

    /// <summary>Refunds all or part of a completed payment.</summary>
    /// <exception cref="ProviderException">The provider refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    Task<RefundReceipt> RefundAsync(RefundRequest request, CancellationToken ct);
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>.</param>
/// <param name="AmountMinor">Integer minor units, above zero.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Description">Shown to the payer by the provider.</param>
public sealed record PaymentIntentRequest(string Reference, long AmountMinor, string Currency, [property: PersonalData] string? Description = null);

/// <param name="ProviderReference">The provider's id of the intent, which later refunds name.</param>
/// <param name="Status">The provider's status of the intent.</param>
/// <param name="ClientSecret">What the payer's client completes the payment with: secret, never logged (and left out of <see cref="ToString"/>).</param>
public sealed record PaymentIntent(string ProviderReference, string Status, [property: SecretData] string? ClientSecret)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"ProviderReference = {ProviderReference}, Status = {Status}, ClientSecret = ***");
        return true;
    }
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>.</param>
/// <param name="PaymentReference">The provider's reference of the payment to refund.</param>
/// <param name="AmountMinor">Integer minor units to refund, above zero.</param>
/// <param name="Currency">ISO 4217 code, the payment's.</param>
public sealed record RefundRequest(string Reference, string PaymentReference, long AmountMinor, string Currency);

/// <param name="ProviderReference">The provider's id of the refund.</param>
/// <param name="Status">The provider's status of the refund.</param>
public sealed record RefundReceipt(string ProviderReference, string Status);
