using System.Net.Http.Headers;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Server.Hosting;
using Coffer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coffer.Platform.Tests.Hosting;

/// <summary>
/// The production composition (<see cref="CofferHost.Build(string[], Action{IServiceCollection}?)"/>: platform and ledger)
/// with a test module added the way a real one is: its services after the modules', its endpoints beside theirs. For what
/// only a module can exercise (a policy of its own, an endpoint taking its idempotency key in the body), in-process on a
/// <see cref="TestServer"/> and a fresh database.
/// </summary>
internal sealed class ModuleTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ModuleTestHost(WebApplication app, TestDatabase database)
    {
        _app = app;
        Database = database;
    }

    public TestDatabase Database { get; }

    /// <param name="services">The test module's services, added after the platform's and the ledger's.</param>
    /// <param name="endpoints">The test module's endpoints.</param>
    public static async Task<ModuleTestHost> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings,
        Action<IServiceCollection> services, Action<WebApplication> endpoints)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var merged = new Dictionary<string, string?>(database.Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        string[] args = [.. merged.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}")];
        var app = CofferHost.Build(args, collection =>
        {
            services(collection);
            collection.AddSingleton<IServer, TestServer>();
            collection.AddSingleton<IHostLifetime, ConsoleLifetimeStandIn>();
        });
        endpoints(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }
        return new ModuleTestHost(app, database);
    }

    /// <summary>A client authenticated as the customer <paramref name="subject"/> of <paramref name="tenant"/>.</summary>
    public HttpClient Customer(string subject, string tenant = RoleClients.DefaultTenant)
    {
        var client = _app.GetTestClient();
        var token = TokenIssuer.Issue(DevelopmentSigningKey.LoadOrCreate(Database.DataDirectory), new JwtSettings(), subject, tenant,
            [Roles.Customer], TimeSpan.FromHours(1), TimeProvider.System, []);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>The test owns the host's lifetime: no console signals.</summary>
    private sealed class ConsoleLifetimeStandIn : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
