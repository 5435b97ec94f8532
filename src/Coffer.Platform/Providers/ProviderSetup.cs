using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Providers;

/// <summary>
/// The provider boundary: <see cref="IPayoutProvider"/> and <see cref="IPaymentProvider"/> as typed HTTP clients on their
/// configured base URLs, each behind its own resilience pipeline and circuit (<see cref="ProviderResilience"/>).
/// An interface is registered only when its provider is configured (<c>Coffer:Providers:&lt;Payouts|Payments&gt;:BaseUrl</c>).
/// </summary>
public static class ProviderSetup
{
    /// <summary>The most a provider's answer may weigh; a larger one fails the call (Transient) instead of filling memory.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>HttpClient's own timeout sits this far above the pipeline's total timeout: a backstop for endless response bodies.</summary>
    private static readonly TimeSpan BackstopMargin = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddCofferProviders(this IServiceCollection services, IConfiguration configuration)
    {
        var configured = ProviderSettings.AllFromConfiguration(configuration);
        if (configured.Count == 0)
        {
            return services;
        }
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProviderMetrics>();
        services.TryAddSingleton<ProviderCalls>();
        foreach (var settings in configured)
        {
            services.AddSingleton(sp => new ProviderCircuit(settings, sp.GetRequiredService<ILogger<ProviderCircuit>>()));
            var client = settings.Name == ProviderSettings.Payouts
                ? services.AddHttpClient<IPayoutProvider, HttpPayoutProvider>(settings.Name, http => Configure(http, settings))
                : services.AddHttpClient<IPaymentProvider, HttpPaymentProvider>(settings.Name, http => Configure(http, settings));
            // The registry builds this pipeline once per provider and keeps it across handler rotations, so the circuit's
            // state lives as long as the process.
            client.AddResilienceHandler("provider", (pipeline, context) => ProviderResilience.Configure(pipeline, settings,
                context.ServiceProvider.GetServices<ProviderCircuit>().Single(c => c.Provider == settings.Name)));
        }
        return services;
    }

    private static void Configure(HttpClient http, ProviderSettings settings)
    {
        http.BaseAddress = settings.BaseUrl;
        http.Timeout = settings.TotalTimeout + BackstopMargin;
        http.MaxResponseContentBufferSize = MaxResponseBytes;
    }
}
