using Coffer.Bench.Cli;

namespace Coffer.Bench.Pgbench;

/// <summary>What the <c>pgbench</c> verb runs. See <see cref="BenchCli.Usage"/>.</summary>
internal sealed record PgbenchOptions
{
    /// <summary>One script, or several with weights (pgbench <c>-f path@weight</c>), as "path[@weight],...".</summary>
    public required IReadOnlyList<string> Scripts { get; init; }
    /// <summary>A name per script for the per-kind report (the mixed scenario); empty for one script.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];
    /// <summary>Transfers per pgbench transaction: the throughput reported is tps × this (the batch scenario).</summary>
    public int BatchSize { get; init; } = 1;
    /// <summary>Further pgbench variables (<c>-D name=value</c>) besides accounts and hot.</summary>
    public IReadOnlyList<string> Defines { get; init; } = [];
    public int Connections { get; init; } = 64;
    public int Threads { get; init; } = 2;
    public int DurationSeconds { get; init; } = 30;
    public int WarmupSeconds { get; init; } = 5;
    public int Accounts { get; init; } = 1000;
    public required string LogDirectory { get; init; }
    public string? JsonPath { get; init; }
    public string Label { get; init; } = "";
    public string Scenario { get; init; } = "transfers";
    public bool Hot { get; init; }

    /// <summary>pgbench -R: a fixed transaction rate (0 = as fast as possible), e.g. Coffer's rate, to compare CPU per transfer at equal load.</summary>
    public int RatePerSecond { get; init; }

    public static PgbenchOptions Read(ArgumentReader args)
    {
        var options = new PgbenchOptions
        {
            Scripts = args.RequiredText("script").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Kinds = args.Text("kinds", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            BatchSize = args.Int("batch-size", 1, 1, 100_000),
            Defines = args.Text("define", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Connections = args.Int("connections", 64, 1, 4096),
            Threads = args.Int("threads", 2, 1, 256),
            DurationSeconds = args.Int("duration", 30, 1, 24 * 3600),
            WarmupSeconds = args.Int("warmup", 5, 0, 3600),
            Accounts = args.Int("accounts", 1000, 2, 10_000_000),
            LogDirectory = args.Text("log-dir", Path.Combine(Path.GetTempPath(), "coffer-pgbench")),
            JsonPath = args.Text("json"),
            Label = args.Text("label", ""),
            Scenario = args.Text("scenario", "transfers"),
            Hot = args.Int("hot", 0, 0, 1) == 1,
            RatePerSecond = args.Int("rate", 0, 0, 1_000_000),
        };
        args.EnsureAllConsumed();
        if (options.Kinds.Count > 0 && options.Kinds.Count != options.Scripts.Count)
        {
            throw new UsageException($"--kinds names {options.Kinds.Count} kinds for {options.Scripts.Count} scripts.");
        }
        return options;
    }
}
