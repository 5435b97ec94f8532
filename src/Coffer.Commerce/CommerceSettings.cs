using Microsoft.Extensions.Configuration;

namespace Coffer.Commerce;

/// <summary>The commerce module's settings (<c>Coffer:Commerce</c>).</summary>
internal sealed record CommerceSettings(TimeSpan CatalogCacheTtl)
{
    public const int MaxCatalogCacheSeconds = 3600;

    public static CommerceSettings FromConfiguration(IConfiguration configuration)
    {
        var seconds = configuration.GetValue("Coffer:Commerce:CatalogCacheSeconds", 60);
        if (seconds is < 1 or > MaxCatalogCacheSeconds)
        {
            throw new InvalidOperationException($"Coffer:Commerce:CatalogCacheSeconds must be 1 to {MaxCatalogCacheSeconds}.");
        }
        return new CommerceSettings(TimeSpan.FromSeconds(seconds));
    }
}
