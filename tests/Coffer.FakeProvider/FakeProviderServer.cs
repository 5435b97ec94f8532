using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.FakeProvider;

/// <summary>
/// The fake provider in-process for a test: real Kestrel on a free 127.0.0.1 port, real HTTP. Helpers drive its control
/// API over that same HTTP. Dispose to stop it (calls left hanging are cut off).
/// </summary>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _control;

    private FakeProviderServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        _control = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Where the provider endpoints live, ending in <c>/</c>: <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseUrl { get; }

    public static async Task<FakeProviderServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeProviderServer).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = FakeProviderApp.Build(builder, port: 0);
        await app.StartAsync();
        var address = app.Urls.Single(); // the port Kestrel chose
        return new FakeProviderServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async Task SetBehaviourAsync(FakeBehaviour behaviour, CancellationToken ct = default) =>
        (await _control.PostAsJsonAsync("_control/behaviour", behaviour, ct)).EnsureSuccessStatusCode();

    public Task SucceedAsync(CancellationToken ct = default) => SetBehaviourAsync(FakeBehaviour.Succeed(), ct);
    public Task FailAsync(int? times = null, CancellationToken ct = default) => SetBehaviourAsync(FakeBehaviour.Fail(times), ct);
    public Task RejectAsync(int? times = null, CancellationToken ct = default) => SetBehaviourAsync(FakeBehaviour.Reject(times), ct);
    public Task DelayAsync(TimeSpan delay, int? times = null, CancellationToken ct = default) => SetBehaviourAsync(FakeBehaviour.Delay(delay, times), ct);
    public Task HangAsync(int? times = null, CancellationToken ct = default) => SetBehaviourAsync(FakeBehaviour.Hang(times), ct);

    /// <summary>Where the fake's investment-partner endpoints live: a partner base URL, <c>{BaseUrl}partner/</c>.</summary>
    public Uri PartnerBaseUrl => new(BaseUrl, "partner/");

    /// <summary>Makes the partner endpoints accept <paramref name="apiKey"/> with requests signed by <paramref name="secret"/>.</summary>
    public async Task AddPartnerCredentialsAsync(string apiKey, string secret, CancellationToken ct = default) =>
        (await _control.PostAsJsonAsync("_control/partner-credentials", new PartnerCredentials(apiKey, secret), ct)).EnsureSuccessStatusCode();

    public async Task<FakeCalls> GetCallsAsync(CancellationToken ct = default) =>
        await _control.GetFromJsonAsync<FakeCalls>("_control/calls", ct) ?? throw new InvalidOperationException("The fake answered no calls.");

    public async Task ResetAsync(CancellationToken ct = default) =>
        (await _control.PostAsync("_control/reset", content: null, ct)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
