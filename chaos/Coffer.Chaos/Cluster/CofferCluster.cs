using System.Security.Cryptography;
using Coffer.Chaos.Dependencies;
using Coffer.FakeProvider;
using Coffer.Platform.Identity;
using Coffer.Testing.Process;

namespace Coffer.Chaos.Cluster;

/// <summary>
/// Two real Coffer servers (<c>dotnet Coffer.Server.dll serve</c>, role all: API and workers) on the harness's PostgreSQL,
/// Redis and RabbitMQ, with the fake provider (real HTTP on loopback) as their payout provider. They share one data directory
/// (the development signing key that verifies the harness's tokens) and one data key.
/// </summary>
internal sealed class CofferCluster : IAsyncDisposable
{
    public const int NodeCount = 2;
    private static readonly TimeSpan RestartLimit = TimeSpan.FromSeconds(90);

    private readonly ServerProcess[] _nodes;

    private CofferCluster(IReadOnlyDictionary<string, string?> settings, ServerProcess[] nodes, FakeProviderServer provider)
    {
        Settings = settings;
        _nodes = nodes;
        Provider = provider;
    }

    public IReadOnlyDictionary<string, string?> Settings { get; }
    public FakeProviderServer Provider { get; }
    public IReadOnlyList<ServerProcess> Nodes => _nodes;

    public static async Task<CofferCluster> StartAsync(ChaosDependencies dependencies, Action<string> log)
    {
        var provider = await FakeProviderServer.StartAsync();
        try
        {
            var settings = ClusterSettings.For(dependencies, provider.BaseUrl, Path.Combine(dependencies.Root, "coffer-data"),
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            var environment = CofferProcess.ToEnvironment(settings);
            var migrated = await CofferProcess.RunAsync(environment, "migrate", "up");
            if (migrated.ExitCode != 0)
            {
                throw new InvalidOperationException($"migrate up failed:\n{migrated}");
            }
            log($"migrated {ChaosDependencies.DatabaseName}");
            // At once: starters agree on one development signing key under the data directory's lock file.
            var starts = Enumerable.Range(0, NodeCount).Select(_ => ServerProcess.StartAsync(settings)).ToList();
            try
            {
                await Task.WhenAll(starts);
            }
            catch
            {
                foreach (var started in starts.Where(s => s.IsCompletedSuccessfully))
                {
                    await started.Result.DisposeAsync();
                }
                throw;
            }
            var nodes = starts.Select(s => s.Result).ToArray();
            log($"nodes ready at {string.Join(", ", nodes.Select(n => n.Url))}");
            return new CofferCluster(settings, nodes, provider);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>A token of the harness's callers, signed by the key both servers verify with.</summary>
    public string Token(string subject, string tenant, params string[] roles) => _nodes[0].Token(subject, tenant, roles);

    /// <summary>kill -9 of node <paramref name="index"/>: no graceful shutdown, requests in flight cut, leases left behind.</summary>
    public void Kill(int index) => _nodes[index].KillHard();

    public Task RestartAsync(int index) => _nodes[index].RestartAsync(RestartLimit);

    /// <summary>Runs a verb of the server (<c>reconcile</c>, <c>audit verify</c>) against the cluster's database.</summary>
    public Task<CliResult> RunVerbAsync(params string[] args) => CofferProcess.RunAsync(CofferProcess.ToEnvironment(Settings), args);

    /// <summary>The servers' output (every incarnation), for a failed run's post-mortem.</summary>
    public string Output(int index) => _nodes[index].Output;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        await Provider.DisposeAsync();
    }
}
