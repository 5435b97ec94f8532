using Microsoft.Extensions.Configuration;

namespace Coffer.Ledger;

/// <summary>
/// <c>Coffer:Ledger:*</c>: <c>HoldSweepIntervalSeconds</c> (default 5), <c>ReconciliationIntervalMinutes</c> (default 60),
/// <c>ReconciliationFirstDelaySeconds</c> (default 60) and <c>GaugeSampleSeconds</c> (default 30).
/// </summary>
internal sealed record LedgerSettings
{
    public TimeSpan HoldSweepInterval { get; init; } = TimeSpan.FromSeconds(5);
    public int HoldSweepBatchSize { get; init; } = 100;
    public TimeSpan ReconciliationInterval { get; init; } = TimeSpan.FromMinutes(60);
    public TimeSpan ReconciliationFirstDelay { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan GaugeSampleInterval { get; init; } = TimeSpan.FromSeconds(30);

    public static LedgerSettings FromConfiguration(IConfiguration configuration) => new()
    {
        HoldSweepInterval = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Coffer:Ledger:HoldSweepIntervalSeconds", 5.0), 0.1, 3600)),
        ReconciliationInterval = TimeSpan.FromMinutes(
            Math.Clamp(configuration.GetValue("Coffer:Ledger:ReconciliationIntervalMinutes", 60.0), 0.05, 7 * 24 * 60)),
        ReconciliationFirstDelay = TimeSpan.FromSeconds(
            Math.Clamp(configuration.GetValue("Coffer:Ledger:ReconciliationFirstDelaySeconds", 60.0), 0, 24 * 3600)),
        GaugeSampleInterval = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Coffer:Ledger:GaugeSampleSeconds", 30.0), 0.1, 3600)),
    };
}
