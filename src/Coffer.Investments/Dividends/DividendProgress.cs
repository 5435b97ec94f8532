using Coffer.Platform.Persistence;

namespace Coffer.Investments.Dividends;

/// <summary>How far a distribution has got: payouts counted and summed by status.</summary>
internal static class DividendProgress
{
    public static async Task<IReadOnlyDictionary<string, PayoutTally>> TalliesAsync(
        DbSession session, string tenantId, Guid distributionId, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(DividendPayout.Progress(tenantId, distributionId),
            r => (Status: r.GetString(0), Count: r.GetInt64(1), Amount: r.GetInt64(2)), cancellationToken);
        return rows.ToDictionary(r => r.Status, r => new PayoutTally(checked((int)r.Count), r.Amount), StringComparer.Ordinal);
    }
}
