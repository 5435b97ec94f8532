using Microsoft.Extensions.Configuration;

namespace Coffer.Commerce;

/// <summary>
/// The commerce module's settings (<c>Coffer:Commerce</c>), checked at start-up:
/// <c>CatalogCacheSeconds</c> (60; 1–3600) — the catalog cache's TTL;
/// <c>ReservationSeconds</c> (900; 30–86400) — how long an unpaid order keeps its stock;
/// <c>ReservationSweepSeconds</c> (5; 1–3600) — how often overdue orders are looked for;
/// <c>StockAlertEmail</c> — who low-stock alerts are mailed to (none: alerts are recorded, not mailed).
/// </summary>
internal sealed record CommerceSettings(TimeSpan CatalogCacheTtl, TimeSpan ReservationTtl, TimeSpan ReservationSweepInterval, string? StockAlertEmail)
{
    public const int MaxCatalogCacheSeconds = 3600;

    /// <summary>A wallet hold outlives its order's reservation by this much, so the order's expiry — not the ledger's — ends it.</summary>
    public static readonly TimeSpan HoldMargin = TimeSpan.FromHours(1);

    /// <summary>Overdue orders cancelled per sweep (each in its own transaction).</summary>
    public const int SweepBatchSize = 100;

    public static CommerceSettings FromConfiguration(IConfiguration configuration)
    {
        var problems = new List<string>();
        var cache = Read(configuration, "CatalogCacheSeconds", 60, 1, MaxCatalogCacheSeconds, problems);
        var reservation = Read(configuration, "ReservationSeconds", 900, 30, 86_400, problems);
        var sweep = Read(configuration, "ReservationSweepSeconds", 5, 1, 3600, problems);
        var alertEmail = configuration["Coffer:Commerce:StockAlertEmail"];
        if (alertEmail is not null && (alertEmail.Length > 254 || !alertEmail.Contains('@', StringComparison.Ordinal)))
        {
            problems.Add("Coffer:Commerce:StockAlertEmail must be an email address");
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", problems) + ".");
        }
        return new CommerceSettings(TimeSpan.FromSeconds(cache), TimeSpan.FromSeconds(reservation), TimeSpan.FromSeconds(sweep),
            string.IsNullOrWhiteSpace(alertEmail) ? null : alertEmail);
    }

    private static int Read(IConfiguration configuration, string key, int fallback, int min, int max, List<string> problems)
    {
        var text = configuration[$"Coffer:Commerce:{key}"];
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }
        problems.Add($"Coffer:Commerce:{key} must be {min} to {max} (found '{text}')");
        return fallback;
    }
}
