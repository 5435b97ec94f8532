using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Providers;

/// <summary>
/// The provider boundary: <see cref="IPayoutProvider"/>, <see cref="IPaymentProvider"/>, <see cref="IEmailProvider"/>,
/// <see cref="IShippingProvider"/> and <see cref="IStorageProvider"/> as typed HTTP clients on their configured base
/// URLs, each behind its own resilience pipeline and circuit (<see cref="ProviderResilience"/>). An interface is
/// registered only when its provider is configured
/// (<c>Coffer:Providers:&lt;Payouts|Payments|Email|Shipping|Storage&gt;:BaseUrl</c>).
/// <see cref="IPartnerApi"/> always is: its base URLs come with each call, and each partner gets its own pipeline.
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
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProviderMetrics>();
        services.TryAddSingleton<ProviderCalls>();
        foreach (var settings in configured)
        {
            if (settings.Name == ProviderSettings.Partners)
            {
                AddPartners(services, settings);
                continue;
            }
            services.AddSingleton(sp => new ProviderCircuit(settings, sp.GetRequiredService<ILogger<ProviderCircuit>>()));
            var client = settings.Name switch
            {
                ProviderSettings.Payouts => AddClient<IPayoutProvider, HttpPayoutProvider>(services, settings),
                ProviderSettings.Payments => AddClient<IPaymentProvider, HttpPaymentProvider>(services, settings),
                ProviderSettings.Email => AddClient<IEmailProvider, HttpEmailProvider>(services, settings),
                ProviderSettings.Shipping => AddClient<IShippingProvider, HttpShippingProvider>(services, settings),
                ProviderSettings.Storage => AddClient<IStorageProvider, HttpStorageProvider>(services, settings),
                _ => throw new UnreachableException($"Provider {settings.Name} has no client."),
            };
            // The registry builds this pipeline once per provider and keeps it across handler rotations, so the circuit's
            // state lives as long as the process.
            client.AddResilienceHandler("provider", (pipeline, context) => ProviderResilience.Configure(pipeline, settings,
                context.ServiceProvider.GetServices<ProviderCircuit>().Single(c => c.Provider == settings.Name)));
        }
        return services;
    }

    /// <summary>
    /// One client for every partner, with one pipeline — and so one circuit — per partner: the request names its partner
    /// (<see cref="HttpPartnerApi.CircuitKey"/>) and the registry builds and keeps that partner's pipeline on first use.
    /// </summary>
    private static void AddPartners(IServiceCollection services, ProviderSettings settings)
    {
        services.AddSingleton(sp => new PartnerCircuits(settings, sp.GetRequiredService<ILogger<ProviderCircuit>>()));
        services.AddHttpClient<IPartnerApi, HttpPartnerApi>(settings.Name, http => Configure(http, settings))
            .AddResilienceHandler("provider", (pipeline, context) =>
            {
                // Polly tags its telemetry with the instance name, here a partner id: a label the metrics must not carry.
                pipeline.InstanceName = null;
                ProviderResilience.Configure(pipeline, settings,
                    context.ServiceProvider.GetRequiredService<PartnerCircuits>().For(context.InstanceName));
            })
            // A request without a partner (only the library's start-up probe of the selector) selects an unused pipeline.
            .SelectPipelineBy(_ => request => request.Options.TryGetValue(HttpPartnerApi.CircuitKey, out var partner) ? partner : "");
    }

    private static IHttpClientBuilder AddClient<TClient, TImplementation>(IServiceCollection services, ProviderSettings settings)
        where TClient : class
        where TImplementation : class, TClient =>
        services.AddHttpClient<TClient, TImplementation>(settings.Name, http => Configure(http, settings));

    private static void Configure(HttpClient http, ProviderSettings settings)
    {
        http.BaseAddress = settings.BaseUrl;
        http.Timeout = settings.TotalTimeout + BackstopMargin;
        http.MaxResponseContentBufferSize = MaxResponseBytes;
    }
}
