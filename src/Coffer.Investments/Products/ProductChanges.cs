using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Platform.Time;

namespace Coffer.Investments.Products;

/// <summary>
/// Every change of a product goes through here: under the product's row lock, the row is written at the next version, the
/// version row with the before and after snapshots and the audit event join the same transaction. ETags and <c>If-Match</c>
/// follow the feature flags' convention (<see cref="FlagPrecondition"/>): the ETag is the version, quoted.
/// </summary>
internal static class ProductChanges
{
    public static string ETagOf(Product product) => $"\"{product.Version}\"";

    /// <summary>
    /// Checks a required <c>If-Match</c> against <paramref name="current"/>: absent → 428 <c>precondition_required</c>; not an ETag of
    /// this API → 400; another version → 412 <c>precondition_failed</c>; <c>*</c> matches any existing product.
    /// </summary>
    public static Failure? CheckIfMatch(string? header, Product current) => IfMatch.Check(header, current.Version, "product");

    /// <summary>The product of <paramref name="tenantId"/>, locked for the rest of the transaction (PostgreSQL; SQLite's writer serializes).</summary>
    public static async Task<Product?> LockAsync(DbSession session, string tenantId, Guid id, CancellationToken cancellationToken) =>
        (await session.QueryAsync(Product.Find(tenantId, id, session.Provider), Product.Read, cancellationToken)).SingleOrDefault();

    /// <summary>
    /// Writes <paramref name="changed"/> (a changed copy of the locked <paramref name="before"/>) as the next version, with its
    /// history row and audit event <c>investment_product.&lt;action&gt;</c>.
    /// </summary>
    public static void Record(DbSession session, AuditTrail audit, RecordClock clock, string changedBy, Product before, Product changed,
        string action)
    {
        var now = clock.Now();
        changed.Version = checked(before.Version + 1);
        changed.UpdatedAt = now;
        session.Defer(Product.Save(changed));
        session.Defer(ProductVersion.Insert(ProductVersion.Of(clock.NewId(now), before, changed, action, changedBy)));
        audit.Record(changed.TenantId, $"investment_product.{action}", "investment_product", changed.Id.ToString(),
            ProductResponse.From(before), ProductResponse.From(changed));
    }
}
