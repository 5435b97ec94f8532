using Coffer.Bench.Cli;

namespace Coffer.Bench.Jobs;

/// <summary>What the <c>jobs</c> verb runs. See <see cref="BenchCli.Usage"/>.</summary>
internal sealed record JobsOptions
{
    public int Jobs { get; init; } = 20_000;
    public int Batch { get; init; } = 100;
    public int Warmup { get; init; } = 2_000;
    public int Idle { get; init; } = 200;
    public int TimeoutSeconds { get; init; } = 600;
    public string Label { get; init; } = "";
    public string? JsonPath { get; init; }
    public string? OutPath { get; init; }

    public static JobsOptions Read(ArgumentReader args)
    {
        var options = new JobsOptions
        {
            Jobs = args.Int("jobs", 20_000, 1, 10_000_000),
            Batch = args.Int("batch", 100, 1, 10_000),
            Warmup = args.Int("warmup", 2_000, 0, 1_000_000),
            Idle = args.Int("idle", 200, 0, 100_000),
            TimeoutSeconds = args.Int("timeout", 600, 1, 24 * 3600),
            Label = args.Text("label", ""),
            JsonPath = args.Text("json"),
            OutPath = args.Text("out"),
        };
        args.EnsureAllConsumed();
        return options;
    }
}
