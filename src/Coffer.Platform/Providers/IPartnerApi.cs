using System.Text;
using Coffer.Platform.Observability;

namespace Coffer.Platform.Providers;

/// <summary>
/// Places and redeems investments at external investment partners, each a record with its own base URL and credentials
/// (<see cref="PartnerEndpoint"/>), through one client configured by <c>Coffer:Providers:Partners</c> and always
/// registered. Each partner has its own circuit: one partner's outage fails its calls fast
/// (<see cref="ProviderFailureKind.Unavailable"/>) and leaves the others' alone. Every call is safe to repeat with the
/// same reference.
/// </summary>
public interface IPartnerApi
{
    /// <summary>
    /// <c>POST {BaseUrl}investments</c> with <c>Idempotency-Key</c> = <see cref="PartnerOrder.Reference"/>: the partner
    /// places the investment once per reference and answers a repeat with the same receipt.
    /// </summary>
    /// <exception cref="ProviderException">The partner refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    /// <exception cref="ArgumentException">The partner's base URL or credentials cannot be used (nothing was sent).</exception>
    Task<PartnerReceipt> PlaceInvestmentAsync(PartnerEndpoint partner, PartnerOrder order, CancellationToken ct);

    /// <summary><c>POST {BaseUrl}redemptions</c> with <c>Idempotency-Key</c> = <see cref="PartnerRedemption.Reference"/>.</summary>
    /// <exception cref="ProviderException">The partner refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    /// <exception cref="ArgumentException">The partner's base URL or credentials cannot be used (nothing was sent).</exception>
    Task<PartnerReceipt> RedeemInvestmentAsync(PartnerEndpoint partner, PartnerRedemption redemption, CancellationToken ct);
}

/// <summary>A partner the call goes to: its own base URL (https, or http on loopback only) and credentials.</summary>
/// <param name="PartnerId">The partner's id; it keys the partner's circuit.</param>
/// <param name="BaseUrl">The partner's API root (see <see cref="PartnerUrls.Problem"/>); paths resolve beneath it.</param>
/// <param name="ApiKey">Sent as <c>X-Api-Key</c>: secret, never logged (and left out of <see cref="ToString"/>).</param>
/// <param name="Secret">Signs each request (<c>X-Signature</c>) and is never sent: secret, never logged or printed.</param>
public sealed record PartnerEndpoint(Guid PartnerId, Uri BaseUrl, [property: SecretData] string ApiKey, [property: SecretData] string Secret)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"PartnerId = {PartnerId}, BaseUrl = {BaseUrl}, ApiKey = ***, Secret = ***");
        return true;
    }
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>: the partner places each reference once.</param>
/// <param name="AmountMinor">Integer minor units, above zero.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="ProductCode">The partner's code of the product invested in.</param>
/// <param name="AccountNumber">The investor's account at the partner, when it needs one: secret, never logged or printed.</param>
public sealed record PartnerOrder(string Reference, long AmountMinor, string Currency, string ProductCode, [property: SecretData] string? AccountNumber)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Reference = {Reference}, AmountMinor = {AmountMinor}, Currency = {Currency}, ProductCode = {ProductCode}, AccountNumber = ***");
        return true;
    }
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>.</param>
/// <param name="PartnerReference">The partner's reference of the investment to redeem (from its <see cref="PartnerReceipt"/>).</param>
/// <param name="AmountMinor">Integer minor units to redeem, above zero.</param>
/// <param name="Currency">ISO 4217 code, the investment's.</param>
public sealed record PartnerRedemption(string Reference, string PartnerReference, long AmountMinor, string Currency);

/// <param name="PartnerReference">The partner's id of the investment or redemption.</param>
/// <param name="Status">The partner's status of it (e.g. <c>active</c>, <c>redeemed</c>).</param>
public sealed record PartnerReceipt(string PartnerReference, string Status);

/// <summary>The rule for a partner's base URL, for the module that stores partners to check one before saving it.</summary>
public static class PartnerUrls
{
    /// <summary>
    /// Null when <paramref name="url"/> is acceptable as a partner base URL, else why not: it must be an absolute https
    /// URL, or plain http to a loopback address (a simulator on the same machine) — the rule of the providers' own
    /// <c>BaseUrl</c>, since these calls carry credentials and account numbers.
    /// </summary>
    public static string? Problem(string? url)
    {
        ProviderSettings.ParseBaseUrl(url, out var problem);
        return problem is null ? null : $"A partner's base URL {problem}.";
    }
}
