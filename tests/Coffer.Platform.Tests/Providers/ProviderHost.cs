using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Coffer.Platform.Providers;
using Coffer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Tests.Providers;

/// <summary>
/// The provider boundary alone: a service collection with <see cref="ProviderSetup.AddCofferProviders"/> on the given
/// settings, logs captured at Trace, and the provider instruments of this container (not of any other test's) recorded.
/// </summary>
internal sealed class ProviderHost : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Provider, string Outcome), long> _calls = new();
    private readonly ConcurrentDictionary<string, int> _circuitStates = new();

    public ProviderHost(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace));
        Logs.Register(services);
        services.AddCofferProviders(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PlatformMetrics.MeterName && instrument.Meter.Scope == meterFactory
                && instrument.Name is ProviderMetrics.Calls or ProviderMetrics.CircuitState)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            _calls.AddOrUpdate((Tag(tags, "provider"), Tag(tags, "outcome")), value, (_, total) => total + value));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => _circuitStates[Tag(tags, "provider")] = value);
        _listener.Start();
    }

    public LogCapture Logs { get; } = new();

    public IPayoutProvider Payouts => _services.GetRequiredService<IPayoutProvider>();
    public IPaymentProvider Payments => _services.GetRequiredService<IPaymentProvider>();
    public IPartnerApi Partners => _services.GetRequiredService<IPartnerApi>();
    public IEmailProvider Email => _services.GetRequiredService<IEmailProvider>();
    public IShippingProvider Shipping => _services.GetRequiredService<IShippingProvider>();
    public IStorageProvider Storage => _services.GetRequiredService<IStorageProvider>();
    public IServiceProvider Services => _services;

    /// <summary>Settings for the provider of <paramref name="section"/> on <paramref name="baseUrl"/>, fast enough for tests, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> Settings(string section, Uri baseUrl, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Coffer:Providers:{section}:BaseUrl"] = baseUrl.ToString(),
            [$"Coffer:Providers:{section}:RetryBaseDelayMilliseconds"] = "20",
        };
        foreach (var (key, value) in extra)
        {
            settings[$"Coffer:Providers:{section}:{key}"] = value;
        }
        return settings;
    }

    /// <summary>Settings for the partners (which have no BaseUrl), fast enough for tests, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> PartnerSettings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Coffer:Providers:Partners:RetryBaseDelayMilliseconds"] = "20" };
        foreach (var (key, value) in extra)
        {
            settings[$"Coffer:Providers:Partners:{key}"] = value;
        }
        return settings;
    }

    /// <summary><c>coffer.provider.calls</c> so far for <paramref name="provider"/> and <paramref name="outcome"/>.</summary>
    public long Calls(string provider, string outcome) => _calls.GetValueOrDefault((provider, outcome));

    /// <summary><c>coffer.provider.circuit_state</c> of <paramref name="provider"/> now: 0 closed, 1 half-open, 2 open.</summary>
    public int? CircuitState(string provider)
    {
        _circuitStates.Clear();
        _listener.RecordObservableInstruments();
        return _circuitStates.TryGetValue(provider, out var state) ? state : null;
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString() ?? "";
            }
        }
        return "";
    }
}
