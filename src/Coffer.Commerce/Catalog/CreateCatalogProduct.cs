using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Commerce.Catalog;

/// <summary>POST /api/v1/commerce/products (admins): a product with its variants and their prices, in one transaction.</summary>
internal static class CreateCatalogProduct
{
    public sealed record Request(
        string? Name, string? Description, string? Status, List<CatalogRules.VariantRequest?>? Variants, string? IdempotencyKey = null);

    public static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.RequiredText("name", request.Name, CatalogRules.MaxNameLength);
        var description = errors.OptionalText("description", request.Description, CatalogRules.MaxDescriptionLength);
        var status = CatalogRules.Status(errors, "status", request.Status) ?? CatalogStatuses.Draft;
        var variants = Variants(errors, request.Variants);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var skus = variants.Select(v => v.Sku).ToList();
        var taken = await session.QueryAsync(CatalogVariant.TakenSkus(caller.Tenant, skus), r => r.GetString(0), cancellationToken);
        if (taken.Count > 0)
        {
            return CommerceFailures.SkuTaken(taken).ToProblem(http);
        }
        var now = clock.Now();
        var product = new CatalogProduct
        {
            Id = clock.NewId(now), TenantId = caller.Tenant, Name = name!, Description = description, Status = status,
            CreatedBy = caller.Subject, CreatedAt = now, UpdatedAt = now,
        };
        session.Defer(CatalogProduct.Insert(product));
        var rows = new List<CatalogVariant>();
        var prices = new List<VariantPrice>();
        foreach (var variant in variants)
        {
            var row = new CatalogVariant
            {
                Id = clock.NewId(now), TenantId = caller.Tenant, ProductId = product.Id, Sku = variant.Sku,
                Attributes = CatalogVariant.AttributesJson(variant.Attributes), CreatedAt = now,
            };
            rows.Add(row);
            session.Defer(CatalogVariant.Insert(row));
            session.Defer(Inventory.StockLevel.InsertEmpty(caller.Tenant, row.Id, now));
            foreach (var (currency, amount) in variant.Prices)
            {
                var price = new VariantPrice { TenantId = caller.Tenant, VariantId = row.Id, Currency = currency, AmountMinor = amount };
                prices.Add(price);
                session.Defer(VariantPrice.Insert(price));
            }
        }
        try
        {
            // Written now, not with COMMIT: a concurrent create may take a SKU after the check above; the unique index decides.
            await session.ExecuteAsync([], cancellationToken);
        }
        catch (DbFailureException violation) when (violation.IsUniqueViolationOn("sku"))
        {
            return CommerceFailures.SkuTaken(skus).ToProblem(http);
        }
        var response = ProductResponse.From(product, rows, prices);
        audit.Record(caller.Tenant, "commerce_product.created", "commerce_product", product.Id.ToString(), before: null, after: response);
        http.Response.Headers.ETag = CatalogChanges.ETagOf(product);
        return TypedResults.Created($"/api/v1/commerce/products/{product.Id}", response);
    }

    private static List<CatalogRules.ValidVariant> Variants(ValidationErrors errors, List<CatalogRules.VariantRequest?>? requests)
    {
        if (requests is null || requests.Count == 0 || requests.Count > CatalogRules.MaxVariants)
        {
            errors.Add("variants", $"1 to {CatalogRules.MaxVariants} variants.");
            return [];
        }
        var variants = requests.Select((v, i) => CatalogRules.Variant(errors, $"variants[{i}]", v)).ToList();
        if (variants.Select(v => v.Sku).Distinct(StringComparer.Ordinal).Count() != variants.Count)
        {
            errors.Add("variants", "Each variant needs its own SKU.");
        }
        return variants;
    }
}
