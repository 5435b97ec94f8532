using Coffer.Platform.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Protection;

/// <summary>
/// Field encryption under versioned keys (<see cref="FieldEncryption"/>) and the tokenization vault (<see cref="Tokenizer"/>).
/// Keys come from <c>Coffer:Protection:*</c> (or the development key of the data directory) and are checked at start-up.
/// </summary>
public static class ProtectionSetup
{
    public static IServiceCollection AddCofferProtection(this IServiceCollection services)
    {
        // Read from configuration when first resolved, so every configuration source (tests included) applies.
        services.AddSingleton(sp => DataKeyRing.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<DatabaseOptions>().DataDirectory));
        services.AddSingleton(sp => new FieldEncryption(sp.GetRequiredService<DataKeyRing>()));
        services.AddScoped<Tokenizer>();
        services.AddHostedService<DataKeyCheck>();
        return services;
    }
}
