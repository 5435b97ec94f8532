using System.Security.Claims;
using Coffer.Investments.Partners;
using Coffer.Ledger.Contracts;
using Coffer.Ledger.Money;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Investments.Products;

/// <summary>
/// POST /api/v1/investment/products (admins): a product in <c>draft</c>, with its custody, dividend-pool and reserve accounts
/// opened in the ledger in the same transaction.
/// </summary>
internal static class CreateProduct
{
    public const int MaxNameLength = 100;
    public const int MaxTermDays = 36_500;
    public const decimal MaxAnnualRate = 1m;

    public sealed record Request(
        string? Name, string? Currency, long? MinAmount, long? MaxAmount, decimal? ExpectedAnnualReturn, string? RiskLevel, int? TermDays,
        Guid? PartnerId = null, string? PartnerProductCode = null, string? IdempotencyKey = null);

    public static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, DbSession session, IMoneyMover money, RecordClock clock, AuditTrail audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var fields = Validate(errors, request);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        if (request.PartnerId is { } partnerId)
        {
            var partner = (await session.QueryAsync(Partner.Find(caller.Tenant, partnerId), Partner.Read, cancellationToken)).SingleOrDefault();
            if (partner is null)
            {
                return Failure.NotFound("partner").With("field", "partnerId").ToProblem(http);
            }
            if (partner.Status != PartnerStatuses.Active)
            {
                return InvestmentFailures.PartnerNotActive(partnerId).ToProblem(http);
            }
        }
        var now = clock.Now();
        var product = fields;
        (product.Id, product.TenantId, product.CreatedBy, product.CreatedAt, product.UpdatedAt) = (clock.NewId(now), caller.Tenant, caller.Subject, now, now);
        session.Defer(Product.Insert(product));
        session.Defer(ProductVersion.Insert(ProductVersion.Of(clock.NewId(now), before: null, product, ProductChangeActions.Created, caller.Subject)));
        money.OpenSystemAccounts(caller.Tenant, product.Currency,
            [.. new[] { ProductAccounts.CustodyKind, ProductAccounts.DividendPoolKind, ProductAccounts.ReserveKind }
                .Select(kind => ProductAccounts.Code(kind, product.Id))]);
        var response = ProductResponse.From(product);
        audit.Record(caller.Tenant, "investment_product.created", "investment_product", product.Id.ToString(), before: null, after: response);
        http.Response.Headers.ETag = ProductChanges.ETagOf(product);
        return TypedResults.Created($"/api/v1/investment/products/{product.Id}", response);
    }

    private static Product Validate(ValidationErrors errors, Request request)
    {
        var currency = errors.Currency("currency", request.Currency);
        var terms = ValidateTerms(errors, new Terms(request.Name, request.MinAmount, request.MaxAmount, request.ExpectedAnnualReturn,
            request.RiskLevel, request.TermDays));
        var partnerCode = errors.OptionalText("partnerProductCode", request.PartnerProductCode, 64);
        if (request.PartnerId is not null && partnerCode is null)
        {
            errors.Add("partnerProductCode", "Required when the product has a partner.");
        }
        if (request.PartnerId is null && partnerCode is not null)
        {
            errors.Add("partnerProductCode", "Only a product with a partnerId has a partner product code.");
        }
        return new Product
        {
            TenantId = "",
            Name = terms.Name,
            Currency = currency,
            MinAmount = terms.MinAmount,
            MaxAmount = terms.MaxAmount,
            AnnualRate = terms.AnnualRate,
            RiskLevel = terms.RiskLevel,
            TermDays = terms.TermDays,
            Status = ProductStatuses.Draft,
            PartnerId = request.PartnerId,
            PartnerProductCode = partnerCode,
            CreatedBy = "",
        };
    }

    /// <summary>The terms of a product an admin sets, at creation and by <see cref="UpdateProduct"/> (currency and partner are fixed).</summary>
    public sealed record Terms(string? Name, long? MinAmount, long? MaxAmount, decimal? ExpectedAnnualReturn, string? RiskLevel, int? TermDays);

    public sealed record ValidTerms(string Name, long MinAmount, long MaxAmount, decimal AnnualRate, string RiskLevel, int TermDays);

    /// <summary>The rules of a product's terms, field by field: the one place they are written.</summary>
    public static ValidTerms ValidateTerms(ValidationErrors errors, Terms request)
    {
        var name = errors.RequiredText("name", request.Name, MaxNameLength);
        var min = errors.Amount("minAmount", request.MinAmount);
        var max = errors.Amount("maxAmount", request.MaxAmount);
        if (min > 0 && max > 0 && min > max)
        {
            errors.Add("maxAmount", "Must be at least minAmount.");
        }
        if (errors.Required("expectedAnnualReturn", request.ExpectedAnnualReturn) is { } rate && (rate < 0 || rate > MaxAnnualRate || decimal.Round(rate, 6) != rate))
        {
            errors.Add("expectedAnnualReturn", $"A decimal rate from 0 to {MaxAnnualRate} (0.05 = 5 % a year) with at most 6 decimals.");
        }
        if (!RiskLevels.All.Contains(request.RiskLevel ?? ""))
        {
            errors.Add("riskLevel", $"One of: {string.Join(", ", RiskLevels.All)}.");
        }
        if (errors.Required("termDays", request.TermDays) is { } term && term is < 1 or > MaxTermDays)
        {
            errors.Add("termDays", $"1 to {MaxTermDays} days.");
        }
        return new ValidTerms(name ?? "", min, max, request.ExpectedAnnualReturn ?? 0, request.RiskLevel ?? "", request.TermDays ?? 0);
    }
}
