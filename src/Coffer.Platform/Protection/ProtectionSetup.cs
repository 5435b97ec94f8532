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
        services.AddSealedValueRotation<TokenVaultRotation>();
        services.AddHostedService<DataKeyCheck>();
        return services;
    }

    /// <summary>
    /// Registers a module's sealed values for <c>coffer keys rotate</c>, which runs every registered rotation in turn
    /// (the token vault's first), each in a scope of its own command.
    /// </summary>
    public static IServiceCollection AddSealedValueRotation<TRotation>(this IServiceCollection services)
        where TRotation : class, ISealedValueRotation =>
        services.AddScoped<ISealedValueRotation, TRotation>();
}
