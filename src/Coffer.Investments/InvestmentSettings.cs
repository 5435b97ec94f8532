using Microsoft.Extensions.Configuration;

namespace Coffer.Investments;

/// <summary><c>Coffer:Investments:*</c>.</summary>
/// <param name="DividendChunkSize">Payouts paid per transaction by a distribution (default 200, 1 to 1000).</param>
internal sealed record InvestmentSettings(int DividendChunkSize)
{
    public static InvestmentSettings FromConfiguration(IConfiguration configuration)
    {
        var chunk = configuration.GetValue("Coffer:Investments:DividendChunkSize", 200);
        if (chunk is < 1 or > 1000)
        {
            throw new InvalidOperationException("Coffer:Investments:DividendChunkSize must be 1 to 1000.");
        }
        return new InvestmentSettings(chunk);
    }
}
