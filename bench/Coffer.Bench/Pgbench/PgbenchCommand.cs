using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Coffer.Bench.Cli;
using Coffer.Bench.Measurement;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.Pgbench;

/// <summary>
/// The <c>pgbench</c> verb: a short unmeasured pgbench run (as the Coffer run has a warm-up), then the
/// measured run with per-transaction logs, from which the latency percentiles come (pgbench itself
/// prints only the mean). CPU is split between PostgreSQL, pgbench and the rest of the machine.
/// </summary>
internal static partial class PgbenchCommand
{
    public static async Task<int> RunAsync(PgbenchOptions options)
    {
        if (options.WarmupSeconds > 0)
        {
            Console.Error.WriteLine($"pgbench warm-up: {options.WarmupSeconds} s");
            var (warmupExit, _, _) = await RunPgbenchAsync(options, options.WarmupSeconds, logPrefix: null);
            if (warmupExit != 0)
            {
                return warmupExit;
            }
        }
        Directory.CreateDirectory(options.LogDirectory);
        foreach (var old in Directory.EnumerateFiles(options.LogDirectory, "pgbench_log*"))
        {
            File.Delete(old);
        }
        var startedAt = DateTimeOffset.UtcNow;
        var cpuStart = CpuSnapshot.Take(serverPid: null);
        var (exitCode, output, rates) = await RunPgbenchAsync(options, options.DurationSeconds, Path.Combine(options.LogDirectory, "pgbench_log"));
        var cpu = CpuWindow.Between(cpuStart, CpuSnapshot.Take(serverPid: null));
        Console.Error.Write(output);
        if (exitCode != 0)
        {
            return exitCode;
        }
        var report = BuildReport(options, startedAt, output, rates, cpu);
        report.Save(options.JsonPath);
        Console.WriteLine(report.ToText());
        return 0;
    }

    private static RunReport BuildReport(PgbenchOptions options, DateTimeOffset startedAt, string output, List<long> rates, CpuWindow? cpu)
    {
        var (latency, perScript, failed) = ReadTransactionLogs(options.LogDirectory, options.Scripts.Count);
        var processed = long.Parse(Match(ProcessedPattern(), output), CultureInfo.InvariantCulture);
        var tps = double.Parse(Match(TpsPattern(), output), CultureInfo.InvariantCulture);
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["committed"] = processed };
        if (failed > 0)
        {
            outcomes["failed"] = failed;
        }
        return new RunReport
        {
            Kind = "pgbench",
            Label = options.Label,
            Scenario = options.Scenario,
            StartedAtUtc = startedAt,
            Connections = options.Connections,
            DurationSeconds = options.DurationSeconds,
            Accounts = options.Accounts,
            Requests = processed + failed,
            MeasuredSeconds = options.DurationSeconds,
            ThroughputPerSecond = Math.Round(tps * options.BatchSize, 1),
            Unit = options.Kinds.Count > 0 ? "operations" : "transfers",
            RequestsPerSecond = Math.Round(tps, 1),
            BatchSize = options.BatchSize > 1 ? options.BatchSize : null,
            Operations = options.Kinds.Count > 0
                ? options.Kinds.Select((kind, i) => OperationSummary.From(kind, perScript[i], 0, options.DurationSeconds)).ToList()
                : null,
            Latency = LatencySummary.From(latency),
            Errors = failed,
            ErrorRate = processed + failed == 0 ? 0 : Math.Round((double)failed / (processed + failed), 6),
            Outcomes = outcomes,
            Resources = cpu is null ? null : ResourceSummary.From(cpu, null, null),
            RatePerSecond = rates,
            MachineLoad = File.Exists("/proc/loadavg") ? "loadavg " + File.ReadAllText("/proc/loadavg").Trim() : null,
            Details = new Dictionary<string, string>
            {
                ["script"] = string.Join(',', options.Scripts),
                ["threads"] = options.Threads.ToString(CultureInfo.InvariantCulture),
                ["queryMode"] = "prepared",
                ["rateLimitPerSecond"] = options.RatePerSecond.ToString(CultureInfo.InvariantCulture),
                ["warmupSeconds"] = options.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private static async Task<(int ExitCode, string Output, List<long> Rates)> RunPgbenchAsync(
        PgbenchOptions options, int seconds, string? logPrefix)
    {
        var start = new ProcessStartInfo("pgbench")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-n", "-M", "prepared", "-c", $"{options.Connections}", "-j", $"{options.Threads}", "-T", $"{seconds}",
            "-D", $"accounts={options.Accounts}", "-D", $"hot={(options.Hot ? 1 : 0)}", "-P", "1",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var define in options.Defines)
        {
            start.ArgumentList.Add("-D");
            start.ArgumentList.Add(define);
        }
        foreach (var script in options.Scripts)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add(script);
        }
        if (options.RatePerSecond > 0)
        {
            start.ArgumentList.Add("-R");
            start.ArgumentList.Add($"{options.RatePerSecond}");
        }
        if (logPrefix is not null)
        {
            start.ArgumentList.Add("-l");
            start.ArgumentList.Add($"--log-prefix={logPrefix}");
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start pgbench");
        var rates = new List<long>();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            // "progress: 5.0 s, 2870.1 tps, lat 22.1 ms stddev 9.3, 0 failed": shown live, like the Coffer run.
            if (ProgressPattern().Match(line) is { Success: true } progress)
            {
                rates.Add((long)Math.Round(double.Parse(progress.Groups[1].Value, CultureInfo.InvariantCulture)));
                Console.Error.WriteLine("  " + line);
            }
            else
            {
                stderr.AppendLine(line);
            }
        }
        await process.WaitForExitAsync();
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            await Console.Error.WriteLineAsync($"pgbench exited with {process.ExitCode}:\n{stderr}{output}");
        }
        return (process.ExitCode, output, rates);
    }

    /// <summary>Per-transaction log lines: client_id transaction_no time_us script_no epoch epoch_us; time "failed" on failure.</summary>
    private static (LatencyHistogram Latency, LatencyHistogram[] PerScript, long Failed) ReadTransactionLogs(string directory, int scripts)
    {
        var latency = new LatencyHistogram();
        var perScript = Enumerable.Range(0, scripts).Select(_ => new LatencyHistogram()).ToArray();
        long failed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "pgbench_log*"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(' ');
                if (fields.Length < 3)
                {
                    continue;
                }
                if (long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var microseconds))
                {
                    latency.Record(microseconds);
                    if (fields.Length > 3 && int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var script)
                        && script >= 0 && script < scripts)
                    {
                        perScript[script].Record(microseconds);
                    }
                }
                else
                {
                    failed++;
                }
            }
        }
        return (latency, perScript, failed);
    }

    private static string Match(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidDataException($"pgbench output lacks '{pattern}':\n{output}");

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"^progress: [0-9.]+ s, ([0-9.]+) tps")]
    private static partial Regex ProgressPattern();
}
