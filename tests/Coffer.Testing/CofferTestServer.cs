using System.Net.Http.Headers;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Testing;

/// <summary>
/// The real server in-process (<see cref="WebApplicationFactory{TEntryPoint}"/>) on its own fresh database,
/// with clients that carry development tokens signed by the server's own development key.
/// </summary>
public sealed class CofferTestServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _ownsDatabase;

    private CofferTestServer(
        TestDatabase database, IReadOnlyDictionary<string, string?>? extra, Action<IServiceCollection>? services, bool ownsDatabase = true)
    {
        Database = database;
        _services = services;
        _ownsDatabase = ownsDatabase;
        _settings = new Dictionary<string, string?>(database.Settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public TestDatabase Database { get; }
    public DatabaseProvider Provider => Database.Provider;

    /// <param name="services">Replaces or adds services after the host's own (test exporters, log capture).</param>
    public static async Task<CofferTestServer> StartAsync(
        DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var server = new CofferTestServer(await TestDatabase.CreateAsync(provider), settings, services);
        _ = server.Server; // start the host now, so start-up failures surface here
        return server;
    }

    /// <summary>
    /// A second instance on <paramref name="first"/>'s database (and development key), as a second node of one deployment;
    /// the database stays <paramref name="first"/>'s to drop.
    /// </summary>
    public static CofferTestServer StartAlongside(
        CofferTestServer first, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var server = new CofferTestServer(first.Database, settings, services, ownsDatabase: false);
        _ = server.Server;
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>A development token; a service token gets every scope unless <see cref="TokenWithScopes"/> says otherwise.</summary>
    public string Token(string subject, string tenant, params string[] roles) =>
        TokenWithScopes(subject, tenant, roles, roles.Contains(Roles.Service) ? Scopes.All : []);

    public string TokenWithScopes(string subject, string tenant, IEnumerable<string> roles, IEnumerable<string> scopes) =>
        TokenIssuer.Issue(DevelopmentSigningKey.LoadOrCreate(Database.DataDirectory), new JwtSettings(), subject, tenant, roles,
            TimeSpan.FromHours(1), TimeProvider.System, scopes);

    /// <summary>A client authenticated as <paramref name="subject"/> of <paramref name="tenant"/> with the given roles.</summary>
    public HttpClient ClientFor(string subject, string tenant, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(subject, tenant, roles));
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
