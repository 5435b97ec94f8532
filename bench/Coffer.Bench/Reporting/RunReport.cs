using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Bench.Measurement;

namespace Coffer.Bench.Reporting;

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(double P50Ms, double P90Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary From(LatencyHistogram h)
    {
        static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
        return new LatencySummary(Ms(h.PercentileMicroseconds(50)), Ms(h.PercentileMicroseconds(90)), Ms(h.PercentileMicroseconds(95)),
            Ms(h.PercentileMicroseconds(99)), Ms(h.PercentileMicroseconds(99.9)), Ms(h.MaxMicroseconds), Math.Round(h.MeanMicroseconds / 1000.0, 3));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50Ms:0.00} ms  p90 {P90Ms:0.00}  p95 {P95Ms:0.00}  p99 {P99Ms:0.00}  p99.9 {P999Ms:0.00}  max {MaxMs:0.00}  (mean {MeanMs:0.00})");
}

/// <summary>The CPU and memory figures of one run, per second of the measured window where it says "cores".</summary>
internal sealed record ResourceSummary(
    double WindowSeconds, int MachineCores, double MachineBusyCores, double ServerCpuSeconds, double ServerCores,
    double PostgresCpuSeconds, double PostgresCores, double LoadGeneratorCpuSeconds, double LoadGeneratorCores, double OtherCores,
    double? ServerPeakRssMiB, double? ServerRssAtEndMiB)
{
    public static ResourceSummary? From(CpuWindow? cpu, double? peakRss, double? rss)
    {
        if (cpu is null)
        {
            return null;
        }
        double Cores(double seconds) => Math.Round(seconds / cpu.WindowSeconds, 3);
        return new ResourceSummary(Math.Round(cpu.WindowSeconds, 2), cpu.MachineCores, Cores(cpu.MachineBusySeconds),
            Math.Round(cpu.ServerSeconds, 2), Cores(cpu.ServerSeconds), Math.Round(cpu.PostgresSeconds, 2), Cores(cpu.PostgresSeconds),
            Math.Round(cpu.LoadGeneratorSeconds, 2), Cores(cpu.LoadGeneratorSeconds), Cores(cpu.OtherSeconds),
            peakRss is null ? null : Math.Round(peakRss.Value, 1), rss is null ? null : Math.Round(rss.Value, 1));
    }
}

/// <summary>One operation kind of a run (the mixed scenario has four): its share, rate and latency.</summary>
internal sealed record OperationSummary(string Kind, long Requests, double PerSecond, long Errors, LatencySummary Latency)
{
    public static OperationSummary From(string kind, LatencyHistogram latency, long errors, double seconds) =>
        new(kind, latency.Count, seconds > 0 ? Math.Round(latency.Count / seconds, 1) : 0, errors, LatencySummary.From(latency));
}

/// <summary>JSON files of bench/results: one shape for Coffer runs and pgbench runs, so compare reads both.</summary>
internal sealed record RunReport
{
    public required string Kind { get; init; }               // "coffer" or "pgbench"
    public required string Label { get; init; }
    public required string Scenario { get; init; }           // "transfers", "transfers-hot", "batch", "mixed", "invest" or "checkout"
    public required DateTimeOffset StartedAtUtc { get; init; }
    public required int Connections { get; init; }
    public required int DurationSeconds { get; init; }
    public required int Accounts { get; init; }
    public required long Requests { get; init; }
    public required double MeasuredSeconds { get; init; }
    /// <summary>The headline rate: transfers per second (transfers, hot, batch) or operations per second (mixed).</summary>
    public required double ThroughputPerSecond { get; init; }
    /// <summary>What <see cref="ThroughputPerSecond"/> counts: "transfers" or "operations".</summary>
    public string Unit { get; init; } = "transfers";
    /// <summary>Requests (pgbench: transactions) per second; differs from the throughput for batches.</summary>
    public double? RequestsPerSecond { get; init; }
    /// <summary>Transfers per request (the batch scenario).</summary>
    public int? BatchSize { get; init; }
    /// <summary>Per operation kind (the mixed scenario), in report order.</summary>
    public IReadOnlyList<OperationSummary>? Operations { get; init; }
    public required LatencySummary Latency { get; init; }
    public required long Errors { get; init; }
    public required double ErrorRate { get; init; }
    public required SortedDictionary<string, long> Outcomes { get; init; }
    public ResourceSummary? Resources { get; init; }
    public IReadOnlyList<long>? RatePerSecond { get; init; }
    /// <summary>The invest scenario's execution and dividend figures.</summary>
    public Investments.InvestmentFigures? Investments { get; init; }
    /// <summary>The checkout scenario's capture and contention figures.</summary>
    public Checkout.CheckoutFigures? Checkout { get; init; }
    public object? Verification { get; init; }
    public bool? VerificationPassed { get; init; }
    public string? MachineLoad { get; init; }
    public Dictionary<string, string>? Details { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Save(string? path)
    {
        if (path is null)
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    public static RunReport Load(string path) =>
        JsonSerializer.Deserialize<RunReport>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");

    public string ToText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"== {Kind} {Scenario}{(Label.Length > 0 ? $" [{Label}]" : "")}: {Connections} connections, {DurationSeconds} s, {Accounts} accounts");
        text.AppendLine(inv, $"throughput   {ThroughputPerSecond:0.0} {Unit}/s  ({Requests} requests in {MeasuredSeconds:0.00} s{(BatchSize is { } size ? $", {RequestsPerSecond:0.0} requests/s of {size} transfers" : "")})");
        text.AppendLine(inv, $"latency      {Latency}{(BatchSize is null ? "" : " per request")}");
        foreach (var operation in Operations ?? [])
        {
            text.AppendLine(inv, $"  {operation.Kind,-14} {operation.PerSecond,9:0.0}/s  p50 {operation.Latency.P50Ms:0.00} ms  p95 {operation.Latency.P95Ms:0.00}  p99 {operation.Latency.P99Ms:0.00}  errors {operation.Errors}");
        }
        foreach (var line in Investments is { } figures ? Coffer.Bench.Investments.InvestReport.Lines(figures) : [])
        {
            text.AppendLine(line);
        }
        foreach (var line in Checkout is { } shop ? Coffer.Bench.Checkout.CheckoutReport.Lines(shop) : [])
        {
            text.AppendLine(line);
        }
        text.AppendLine(inv, $"errors       {Errors} ({ErrorRate:0.000%})");
        foreach (var (outcome, count) in Outcomes)
        {
            text.AppendLine(inv, $"  {outcome,-40} {count,10}");
        }
        if (Resources is { } r)
        {
            text.AppendLine(inv, $"cpu          server {r.ServerCores:0.00} cores ({r.ServerCpuSeconds:0.0} s), postgres {r.PostgresCores:0.00}, load generator {r.LoadGeneratorCores:0.00}, other {r.OtherCores:0.00}; machine {r.MachineBusyCores:0.00} of {r.MachineCores} busy");
            if (r.ServerPeakRssMiB is { } peak)
            {
                text.AppendLine(inv, $"server rss   peak {peak:0.0} MiB, at end {r.ServerRssAtEndMiB:0.0} MiB");
            }
        }
        if (MachineLoad is not null)
        {
            text.AppendLine(inv, $"machine      {MachineLoad}");
        }
        return text.ToString();
    }
}
