using Coffer.Platform.Redis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// Feature flags: stored in <c>feature_flags</c>, evaluated from an in-process snapshot, kept current by Redis pub/sub
/// (production) or a re-read every second or two (embedded), gating endpoints through <see cref="FeatureGate.RequireFeature"/>.
/// </summary>
public static class FeatureFlagSetup
{
    public static IServiceCollection AddCofferFeatureFlags(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = FlagSettings.FromConfiguration(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<FlagCatalog>();
        services.AddSingleton<FlagCache>();
        services.AddScoped<FeatureFlags>();
        services.AddScoped<FlagChanges>();
        if (RedisConnection.ConfiguredIn(configuration) is not null)
        {
            services.AddSingleton<FlagChangeChannel>();
        }
        services.AddTransient<IStartupFilter, FlagGateValidation>();
        services.AddHostedService<FlagRefresher>();
        return services;
    }

    /// <summary>
    /// Declares a flag the module's code asks for. Declaring does not create it: a flag is created (with its initial state)
    /// by the migration that introduces the feature, or by an administrator; until then it is off.
    /// </summary>
    public static IServiceCollection AddFeatureFlag(this IServiceCollection services, string key, string description)
    {
        if (!FlagCatalog.IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid flag key.", nameof(key));
        }
        return services.AddSingleton(new FlagDeclaration(key, description));
    }
}
