using Coffer.Ledger.Accounts;

namespace Coffer.Investments.Products;

/// <summary>The ledger accounts of a product, so that operators can read their balances and statements.</summary>
internal sealed record ProductAccountIds(Guid Custody, Guid DividendPool, Guid Reserve);

internal sealed record ProductResponse(
    Guid Id, string Name, string Currency, long MinAmount, long MaxAmount, decimal ExpectedAnnualReturn, string RiskLevel, int TermDays,
    string Status, Guid? PartnerId, string? PartnerProductCode, ProductAccountIds Accounts, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, long Version, decimal? ReserveRatio)
{
    public static ProductResponse From(Product p) => new(
        p.Id, p.Name, p.Currency, p.MinAmount, p.MaxAmount, p.AnnualRate, p.RiskLevel, p.TermDays, p.Status, p.PartnerId,
        p.PartnerProductCode,
        new ProductAccountIds(
            SystemAccounts.IdOf(p.TenantId, p.Currency, ProductAccounts.Code(ProductAccounts.CustodyKind, p.Id)),
            SystemAccounts.IdOf(p.TenantId, p.Currency, ProductAccounts.Code(ProductAccounts.DividendPoolKind, p.Id)),
            SystemAccounts.IdOf(p.TenantId, p.Currency, ProductAccounts.Code(ProductAccounts.ReserveKind, p.Id))),
        p.CreatedAt, p.UpdatedAt, p.Version, p.ReserveRatio);
}
