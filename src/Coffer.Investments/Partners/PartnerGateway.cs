using Coffer.Investments.Investing;
using Coffer.Investments.Products;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;

namespace Coffer.Investments.Partners;

/// <summary>A partner's settled answer: a receipt, or a refusal with its reason. Transient failures are thrown, not answered.</summary>
internal sealed record PartnerAnswer(PartnerReceipt? Receipt, string? Refusal);

/// <summary>
/// The module's side of a partner call: the partner's record, its credentials opened only for the call, the integrations flag,
/// and the answer classified. Products without a partner are answered at once (nothing to call).
/// </summary>
internal sealed class PartnerGateway(
    DbSession session, PartnerCredentials credentials, Tokenizer tokenizer, FeatureFlags flags, IPartnerApi api)
{
    /// <summary>
    /// Whether the product's partner may be called now, asked before any money moves: null when it may (or there is no
    /// partner), the refusal when the partner is suspended. Throws (transient) while the integrations flag is off, so the
    /// work waits — retries, then dead and replayable — without taking the investor's money meanwhile.
    /// </summary>
    public async Task<string?> RefusalBeforeCallAsync(string tenantId, Product product, CancellationToken cancellationToken)
    {
        if (product.PartnerId is not { } partnerId)
        {
            return null;
        }
        var partner = await PartnerAsync(tenantId, partnerId, product, cancellationToken);
        return partner.Status == PartnerStatuses.Active ? null : SuspendedRefusal;
    }

    public async Task<PartnerAnswer> PlaceAsync(string tenantId, Product product, Investment investment, CancellationToken cancellationToken)
    {
        if (product.PartnerId is not { } partnerId)
        {
            return new PartnerAnswer(new PartnerReceipt(investment.Reference, "active"), null);
        }
        var partner = await PartnerAsync(tenantId, partnerId, product, cancellationToken);
        if (partner.Status != PartnerStatuses.Active)
        {
            return new PartnerAnswer(null, SuspendedRefusal); // suspended after the debit: the compensation returns the money
        }
        var accountNumber = partner.AccountToken is null ? null
            : await tokenizer.DetokenizeAsync(tenantId, partner.AccountToken, $"order of investment {investment.Id}", cancellationToken);
        try
        {
            var receipt = await api.PlaceInvestmentAsync(Endpoint(tenantId, partner),
                new PartnerOrder(investment.Reference, investment.Amount, investment.Currency, product.PartnerProductCode!, accountNumber),
                cancellationToken);
            return new PartnerAnswer(receipt, null);
        }
        catch (ProviderException refused) when (refused.Kind == ProviderFailureKind.Rejected)
        {
            return new PartnerAnswer(null, $"The partner refused the investment: {refused.ProviderErrorCode ?? refused.StatusCode?.ToString() ?? "refused"}");
        }
    }

    /// <summary>Redeems at the partner; a refusal is permanent for the job (an operator settles it with the partner).</summary>
    public async Task RedeemAsync(string tenantId, Product product, Investment investment, CancellationToken cancellationToken)
    {
        if (product.PartnerId is not { } partnerId)
        {
            return;
        }
        var partner = await PartnerAsync(tenantId, partnerId, product, cancellationToken);
        if (partner.Status != PartnerStatuses.Active)
        {
            throw new InvalidOperationException($"Partner {partnerId} is suspended; the redemption waits until it is active again.");
        }
        var partnerReference = investment.PartnerReferenceToken is null ? investment.Reference
            : await tokenizer.DetokenizeAsync(tenantId, investment.PartnerReferenceToken, $"redemption of investment {investment.Id}", cancellationToken)
                ?? throw new PermanentJobException($"The partner reference token of investment {investment.Id} is missing.");
        try
        {
            await api.RedeemInvestmentAsync(Endpoint(tenantId, partner),
                new PartnerRedemption($"{investment.Reference}_redeem", partnerReference, investment.Amount, investment.Currency), cancellationToken);
        }
        catch (ProviderException refused) when (refused.Kind == ProviderFailureKind.Rejected)
        {
            throw new PermanentJobException(
                $"The partner refused the redemption of investment {investment.Id}: {refused.ProviderErrorCode ?? refused.StatusCode?.ToString()}. "
                + "Settle it with the partner, then replay the job.", refused);
        }
    }

    private const string SuspendedRefusal = "The partner is suspended.";

    /// <summary>The partner's record, once the integrations flag allows calling it at all.</summary>
    private async Task<Partner> PartnerAsync(string tenantId, Guid partnerId, Product product, CancellationToken cancellationToken)
    {
        if (!await flags.IsEnabledAsync(InvestmentFlags.ExternalIntegrationsEnabled, new FlagSubject(tenantId, null, product.Id.ToString()),
                cancellationToken))
        {
            // Transient on purpose: the work waits (retries, then dead and replayable) rather than failing investments.
            throw new InvalidOperationException($"Flag {InvestmentFlags.ExternalIntegrationsEnabled} is off: partner {partnerId} is not called.");
        }
        return (await session.QueryAsync(Partner.Find(tenantId, partnerId), Partner.Read, cancellationToken)).SingleOrDefault()
            ?? throw new PermanentJobException($"Partner {partnerId} of product {product.Id} does not exist.");
    }

    /// <summary>The credentials are opened only here, for the call at hand.</summary>
    private PartnerEndpoint Endpoint(string tenantId, Partner partner) => new(partner.Id, new Uri(partner.BaseUrl),
        credentials.Open(tenantId, partner.Id, PartnerCredentials.ApiKeyField, partner.ApiKeySealed),
        credentials.Open(tenantId, partner.Id, PartnerCredentials.SecretField, partner.SecretSealed));
}
