using Coffer.Investments.Products;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Investing;

/// <summary>The reads the investment jobs repeat at every step.</summary>
internal sealed class InvestmentStore
{
    public async Task<Investment?> FindAsync(DbSession session, string tenantId, Guid id, CancellationToken cancellationToken) =>
        (await session.QueryAsync(Investment.Find(tenantId, id), Investment.Read, cancellationToken)).SingleOrDefault();

    /// <summary>The investment, row-locked in the open transaction: concurrent jobs and requests on it queue behind this one.</summary>
    public async Task<Investment> LockAsync(DbSession session, string tenantId, Guid id, CancellationToken cancellationToken) =>
        (await session.QueryAsync(Investment.Find(tenantId, id, session.Provider), Investment.Read, cancellationToken)).Single();

    public async Task<Product> ProductAsync(DbSession session, Investment investment, CancellationToken cancellationToken) =>
        (await session.QueryAsync(Product.Find(investment.TenantId, investment.ProductId), Product.Read, cancellationToken)).SingleOrDefault()
        ?? throw new PermanentJobException($"The product {investment.ProductId} of investment {investment.Id} does not exist.");
}
