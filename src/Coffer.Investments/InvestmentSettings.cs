using Microsoft.Extensions.Configuration;

namespace Coffer.Investments;

/// <summary><c>Coffer:Investments:*</c>.</summary>
/// <param name="DividendChunkSize">Payouts paid per transaction by a distribution (default 200, 1 to 1000).</param>
/// <param name="ReserveRunInterval">How often worker processes run the reserves engine over every product with a reserve policy
/// (<c>Reserves:IntervalSeconds</c>, default 300, 5 to 86 400).</param>
/// <param name="ReserveRunTimeout">The most one run may take before it is cancelled, rolled back and counted as a timeout
/// (<c>Reserves:RunTimeoutMilliseconds</c>, default 10 000, 1 to 600 000).</param>
/// <param name="ReserveSweepBatchSize">Products one scheduled pass runs at most (<c>Reserves:SweepBatchSize</c>, default 500, 1 to 10 000).</param>
internal sealed record InvestmentSettings(
    int DividendChunkSize, TimeSpan ReserveRunInterval, TimeSpan ReserveRunTimeout, int ReserveSweepBatchSize)
{
    public static InvestmentSettings FromConfiguration(IConfiguration configuration)
    {
        var chunk = configuration.GetValue("Coffer:Investments:DividendChunkSize", 200);
        if (chunk is < 1 or > 1000)
        {
            throw new InvalidOperationException("Coffer:Investments:DividendChunkSize must be 1 to 1000.");
        }
        var interval = configuration.GetValue("Coffer:Investments:Reserves:IntervalSeconds", 300);
        if (interval is < 5 or > 86_400)
        {
            throw new InvalidOperationException("Coffer:Investments:Reserves:IntervalSeconds must be 5 to 86400.");
        }
        var timeout = configuration.GetValue("Coffer:Investments:Reserves:RunTimeoutMilliseconds", 10_000);
        if (timeout is < 1 or > 600_000)
        {
            throw new InvalidOperationException("Coffer:Investments:Reserves:RunTimeoutMilliseconds must be 1 to 600000.");
        }
        var batch = configuration.GetValue("Coffer:Investments:Reserves:SweepBatchSize", 500);
        if (batch is < 1 or > 10_000)
        {
            throw new InvalidOperationException("Coffer:Investments:Reserves:SweepBatchSize must be 1 to 10000.");
        }
        return new InvestmentSettings(chunk, TimeSpan.FromSeconds(interval), TimeSpan.FromMilliseconds(timeout), batch);
    }
}
