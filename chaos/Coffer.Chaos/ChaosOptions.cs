namespace Coffer.Chaos;

/// <summary>
/// One chaos run's parameters. Everything random (the workload, the replays, the faults, the clients' back-off) derives from
/// <see cref="Seed"/>, so a seed names a run to reproduce.
/// </summary>
internal sealed record ChaosOptions
{
    public required int Seed { get; init; }

    /// <summary>How long the workload runs with faults injected (it runs on until every kind of fault was injected once).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>The most logical operations the workload plans (it stops early when they are done).</summary>
    public int MaxOperations { get; init; } = 50_000;

    /// <summary>Concurrent clients, each running one logical operation at a time.</summary>
    public int Clients { get; init; } = 6;

    /// <summary>Pause of a client between two operations, at most (uniform from 0); keeps the two cores for the servers.</summary>
    public TimeSpan ThinkTime { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>
    /// Offset of the harness's own ports from the shared services' (see <see cref="Dependencies.ChaosPorts"/>); null: the first
    /// free one from <see cref="FirstSearchedPortBase"/> (tests, which may run beside a full run).
    /// </summary>
    public int? PortBase { get; init; } = Dependencies.ChaosPorts.DefaultBase;

    public const int FirstSearchedPortBase = 20;

    /// <summary>Longer pauses between faults and longer outages (the full run) instead of the smoke's quick succession.</summary>
    public bool LongFaults { get; init; }

    /// <summary>Inject faults at all (off: the workload and the checks alone, e.g. to show an injected bug is caught by the checks).</summary>
    public bool InjectFaults { get; init; } = true;

    /// <summary>Keep the work directory (database, logs) for a post-mortem.</summary>
    public bool KeepWorkDirectory { get; init; }

    /// <summary>A deliberate defect to inject, proving the checks catch it (tests and demonstrations only).</summary>
    public Bugs.InjectedBug? Bug { get; init; }

    /// <summary>How long one request is retried with its key before its outcome is left unknown (resolved after the faults).</summary>
    public TimeSpan OperationRetryLimit { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long the harness waits, after the workload, for jobs to end and withdrawals to settle.</summary>
    public TimeSpan QuiescenceLimit { get; init; } = TimeSpan.FromSeconds(120);
}
