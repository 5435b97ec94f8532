using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Platform.Time;

namespace Coffer.Commerce.Catalog;

/// <summary>
/// Every change of a product or of its variants goes through here: under the product's row lock, at its next version, audited in
/// the same transaction, and the product's cache entry dropped once it committed. ETags and <c>If-Match</c> follow the feature
/// flags' convention (<see cref="FlagPrecondition"/>): the ETag is the product's version, quoted.
/// </summary>
internal static class CatalogChanges
{
    public static string ETagOf(CatalogProduct product) => $"\"{product.Version}\"";

    /// <summary>Absent → 428 <c>precondition_required</c>; not an ETag of this API → 400; another version → 412 <c>precondition_failed</c>.</summary>
    public static Failure? CheckIfMatch(string? header, CatalogProduct current) => IfMatch.Check(header, current.Version, "product");

    public static async Task<CatalogProduct?> LockAsync(DbSession session, string tenantId, Guid id, CancellationToken cancellationToken) =>
        (await session.QueryAsync(CatalogProduct.Find(tenantId, id, session.Provider), CatalogProduct.Read, cancellationToken)).SingleOrDefault();

    /// <summary>The product as GET shows it, read in <paramref name="session"/>.</summary>
    public static async Task<ProductResponse?> LoadAsync(DbSession session, string tenantId, Guid id, CancellationToken cancellationToken)
    {
        var product = (await session.QueryAsync(CatalogProduct.Find(tenantId, id), CatalogProduct.Read, cancellationToken)).SingleOrDefault();
        if (product is null)
        {
            return null;
        }
        var variants = await session.QueryAsync(CatalogVariant.OfProduct(tenantId, id), CatalogVariant.Read, cancellationToken);
        var prices = await session.QueryAsync(VariantPrice.OfProduct(tenantId, id), VariantPrice.Read, cancellationToken);
        return ProductResponse.From(product, variants, prices);
    }

    /// <summary>
    /// Writes <paramref name="changed"/> (a changed copy of the locked <paramref name="before"/>) at the next version, audits
    /// <c>commerce_product.&lt;action&gt;</c> with the product before and after, and invalidates its cache entry after the commit.
    /// </summary>
    public static ProductResponse Record(DbSession session, AuditTrail audit, RecordClock clock, CatalogCache cache, CatalogProduct before,
        CatalogProduct changed, string action, ProductResponse beforeResponse, Func<CatalogProduct, ProductResponse> afterOf)
    {
        changed.Version = checked(before.Version + 1);
        changed.UpdatedAt = clock.Now();
        session.Defer(CatalogProduct.Save(changed));
        var after = afterOf(changed);
        audit.Record(changed.TenantId, $"commerce_product.{action}", "commerce_product", changed.Id.ToString(), beforeResponse, after);
        var key = CatalogCache.ProductKey(changed.TenantId, changed.Id);
        session.OnCommitted(() => cache.Invalidate(key));
        return after;
    }
}
