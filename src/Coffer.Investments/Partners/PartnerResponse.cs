namespace Coffer.Investments.Partners;

/// <summary>
/// A partner as anyone may read it: never its API key or secret (not even masked), and its settlement account only as token
/// and last four digits.
/// </summary>
internal sealed record PartnerResponse(
    Guid Id, string Name, string BaseUrl, string Status, PartnerAccountResponse? SettlementAccount, DateTimeOffset CredentialsUpdatedAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PartnerResponse From(Partner p) => new(
        p.Id, p.Name, p.BaseUrl, p.Status, p.AccountToken is null ? null : new PartnerAccountResponse(p.AccountToken, p.AccountLast4),
        p.CredentialsUpdatedAt, p.CreatedAt, p.UpdatedAt);
}

internal sealed record PartnerAccountResponse(string Token, string? Last4);
