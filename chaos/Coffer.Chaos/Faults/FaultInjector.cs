using System.Diagnostics;
using Coffer.Chaos.Cluster;
using Coffer.Chaos.Dependencies;
using Coffer.FakeProvider;

namespace Coffer.Chaos.Faults;

/// <summary>What one injected fault did: when it began (seconds into the workload), how long it took until the system was
/// whole again, and the error when something could not be brought back.</summary>
internal sealed record InjectedFault(PlannedFault Plan, string Detail, TimeSpan StartedAt, TimeSpan Took, string? Error);

/// <summary>
/// Injects the schedule's faults one after the other into the harness's own dependencies, the servers and the fake provider,
/// and always brings back what it took away before the next one. It stops when <c>keepGoing</c> says so.
/// </summary>
internal sealed class FaultInjector(ChaosDependencies dependencies, CofferCluster cluster, Action<string> log)
{
    private static readonly TimeSpan ProviderDelay = TimeSpan.FromSeconds(2.5);

    public async Task<IReadOnlyList<InjectedFault>> RunAsync(
        IReadOnlyList<PlannedFault> schedule, Stopwatch clock, Func<IReadOnlySet<FaultKind>, bool> keepGoing, CancellationToken cancellationToken)
    {
        var injected = new List<InjectedFault>();
        var kinds = new HashSet<FaultKind>();
        foreach (var fault in schedule)
        {
            if (!keepGoing(kinds) || cancellationToken.IsCancellationRequested)
            {
                break;
            }
            await Task.Delay(fault.PauseBefore, CancellationToken.None);
            var startedAt = clock.Elapsed;
            var watch = Stopwatch.StartNew();
            string? error = null;
            try
            {
                await InjectAsync(fault);
            }
            catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or HttpRequestException)
            {
                error = exception.Message.Split('\n')[0];
                log($"fault {fault.Number} {fault.Kind} could not be undone: {error}");
                await RestoreEverythingAsync();
            }
            var done = new InjectedFault(fault, Describe(fault), startedAt, watch.Elapsed, error);
            injected.Add(done);
            kinds.Add(fault.Kind);
            log($"fault {fault.Number}: {done.Detail} at {startedAt.TotalSeconds:F1} s, whole again after {done.Took.TotalSeconds:F1} s");
        }
        return injected;
    }

    private async Task InjectAsync(PlannedFault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.ServerKill:
                cluster.Kill(fault.Node);
                await Task.Delay(fault.Outage);
                await cluster.RestartAsync(fault.Node);
                break;
            case FaultKind.PostgresRestart:
                await dependencies.Postgres.StopAsync(fault.Immediate);
                await Task.Delay(fault.Outage);
                await dependencies.Postgres.StartAsync();
                break;
            case FaultKind.RedisOutage:
                await dependencies.Redis.StopAsync();
                await Task.Delay(fault.Outage);
                await dependencies.Redis.StartAsync();
                break;
            case FaultKind.RabbitMqOutage:
                await dependencies.RabbitMq.StopAsync();
                await Task.Delay(fault.Outage);
                await dependencies.RabbitMq.StartAsync();
                break;
            default:
                await cluster.Provider.SetBehaviourAsync(fault.Kind switch
                {
                    FaultKind.ProviderErrors => FakeBehaviour.Fail(),
                    FaultKind.ProviderRejections => FakeBehaviour.Reject(),
                    FaultKind.ProviderHang => FakeBehaviour.Hang(),
                    _ => FakeBehaviour.Delay(ProviderDelay),
                });
                await Task.Delay(fault.Outage);
                await cluster.Provider.SucceedAsync();
                break;
        }
    }

    /// <summary>After a failed fault: every dependency and server started again, the provider healthy.</summary>
    private async Task RestoreEverythingAsync()
    {
        if (!dependencies.Postgres.IsRunning)
        {
            await TryAsync(dependencies.Postgres.StartAsync);
        }
        if (!await Loopback.IsOpenAsync(dependencies.Redis.Port))
        {
            await TryAsync(dependencies.Redis.StartAsync);
        }
        if (!await Loopback.IsOpenAsync(dependencies.RabbitMq.AmqpPort))
        {
            await TryAsync(dependencies.RabbitMq.StartAsync);
        }
        for (var node = 0; node < cluster.Nodes.Count; node++)
        {
            if (cluster.Nodes[node].HasExited)
            {
                var index = node;
                await TryAsync(() => cluster.RestartAsync(index));
            }
        }
        await TryAsync(() => cluster.Provider.SucceedAsync());
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or HttpRequestException)
        {
            log($"restoring failed: {exception.Message.Split('\n')[0]}");
        }
    }

    private static string Describe(PlannedFault fault) => fault.Kind switch
    {
        FaultKind.ServerKill => $"kill -9 of node {fault.Node}, restarted after {fault.Outage.TotalSeconds:F1} s",
        FaultKind.PostgresRestart => $"PostgreSQL stopped ({(fault.Immediate ? "immediate" : "fast")}), started after {fault.Outage.TotalSeconds:F1} s",
        FaultKind.RedisOutage => $"Redis stopped for {fault.Outage.TotalSeconds:F1} s",
        FaultKind.RabbitMqOutage => $"RabbitMQ stopped for {fault.Outage.TotalSeconds:F1} s",
        FaultKind.ProviderErrors => $"provider 503s for {fault.Outage.TotalSeconds:F1} s",
        FaultKind.ProviderRejections => $"provider refusals for {fault.Outage.TotalSeconds:F1} s",
        FaultKind.ProviderHang => $"provider hanging for {fault.Outage.TotalSeconds:F1} s",
        _ => $"provider answering after {ProviderDelay.TotalSeconds:F1} s (paid after the client gave up) for {fault.Outage.TotalSeconds:F1} s",
    };
}
