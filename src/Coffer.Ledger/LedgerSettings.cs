using Microsoft.Extensions.Configuration;

namespace Coffer.Ledger;

/// <summary><c>Coffer:Ledger:HoldSweepIntervalSeconds</c> (default 5) and the sweep's page size.</summary>
internal sealed record LedgerSettings
{
    public TimeSpan HoldSweepInterval { get; init; } = TimeSpan.FromSeconds(5);
    public int HoldSweepBatchSize { get; init; } = 100;

    public static LedgerSettings FromConfiguration(IConfiguration configuration) => new()
    {
        HoldSweepInterval = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Coffer:Ledger:HoldSweepIntervalSeconds", 5.0), 0.1, 3600)),
    };
}
