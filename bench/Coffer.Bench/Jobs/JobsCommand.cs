using System.Diagnostics;
using System.Globalization;
using Coffer.Bench.Measurement;
using Coffer.Bench.Reporting;
using Coffer.Platform.Jobs;
using Coffer.Platform.Jobs.RabbitMq;
using Coffer.Platform.Persistence;
using Coffer.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Coffer.Bench.Jobs;

/// <summary>
/// The <c>jobs</c> verb: hosts Coffer in this process (configured from the environment like <c>coffer serve</c>, plus the
/// no-op job type), then (1) runs a warm-up batch, (2) measures the latency of single jobs on an idle system, one at a
/// time, and (3) enqueues N jobs as fast as one enqueuer can and measures jobs per second from the first enqueue to the
/// last committed success. Each latency is the job's own <c>finished_at − created_at</c> from the table. Exit 0 only
/// when every job succeeded at its first attempt and none ran twice.
/// </summary>
internal static class JobsCommand
{
    public static async Task<int> RunAsync(JobsOptions options)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        // Warnings and errors only: the hosted server shares this process's console with the report.
        await using var app = CofferHost.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], services =>
        {
            services.AddSingleton<NoopJobRuns>();
            services.AddJobHandler<NoopJob>(NoopJob.JobType);
        });
        await app.StartAsync(cancel.Token);
        var settings = app.Services.GetRequiredService<JobSettings>();
        var provider = app.Services.GetRequiredService<DatabaseOptions>().Provider;
        var table = new JobTable(app.Services);
        var runs = app.Services.GetRequiredService<NoopJobRuns>();
        var setup = string.Create(CultureInfo.InvariantCulture,
            $"{provider.ToString().ToLowerInvariant()}, transport {settings.Transport.ToString().ToLowerInvariant()}, concurrency {settings.Concurrency}");
        Console.Error.WriteLine($"jobs: {setup}; warm-up {options.Warmup}, idle {options.Idle}, measured {options.Jobs} in batches of {options.Batch}");

        await table.EnqueueAsync(options.Warmup, options.Batch, cancel.Token);
        await WaitForAsync(runs, table, options.Warmup, progress: false, cancel.Token);

        var idleSince = DateTimeOffset.UtcNow;
        for (var i = 0; i < options.Idle; i++)
        {
            await table.EnqueueAsync(1, 1, cancel.Token);
            await WaitForAsync(runs, table, options.Warmup + i + 1, progress: false, cancel.Token);
        }
        var idle = Histogram(await table.TimesAsync(idleSince, cancel.Token));

        var expected = options.Warmup + options.Idle + options.Jobs;
        var since = DateTimeOffset.UtcNow;
        var cpuStart = CpuSnapshot.Take(null);
        var started = Stopwatch.GetTimestamp();
        var enqueue = Task.Run(async () =>
        {
            await table.EnqueueAsync(options.Jobs, options.Batch, cancel.Token);
            return Stopwatch.GetElapsedTime(started);
        });
        var rates = await WaitForAsync(runs, table, expected, progress: true, cancel.Token);
        var cpu = CpuWindow.Between(cpuStart, CpuSnapshot.Take(null));
        var enqueueSeconds = (await enqueue).TotalSeconds;
        var times = (await table.TimesAsync(since, cancel.Token)).Where(t => t.Created >= since).ToList();
        // From the first enqueue to the last committed success, by the table's own timestamps.
        var seconds = (times.Max(t => t.Finished) - since).TotalSeconds;
        var loaded = Histogram(times);
        var unexpected = await table.UnexpectedAsync(CancellationToken.None);
        var duplicates = runs.Count - expected;
        await app.StopAsync(CancellationToken.None);
        await DeleteQueueAsync(app.Services);

        var report = Report(options, setup, settings, seconds, enqueueSeconds, loaded, idle, rates, cpu, unexpected, duplicates);
        report.Save(options.JsonPath);
        var text = Describe(report, setup, idle, cpu, enqueueSeconds, unexpected, duplicates);
        Console.WriteLine(text);
        if (options.OutPath is { } outPath)
        {
            await File.WriteAllTextAsync(outPath, text + Environment.NewLine, CancellationToken.None);
        }
        return unexpected == 0 && duplicates == 0 ? 0 : 1;
    }

    /// <summary>
    /// Waits until <paramref name="target"/> jobs ran (the in-process count costs nothing, unlike polling the table) and
    /// then until their successes committed; with <paramref name="progress"/>, prints a line and records the rate every second.
    /// </summary>
    private static async Task<List<long>> WaitForAsync(NoopJobRuns runs, JobTable table, long target, bool progress,
        CancellationToken cancellationToken)
    {
        var rates = new List<long>();
        var clock = Stopwatch.StartNew();
        var (last, lastSecond) = (runs.Count, 0);
        while (runs.Count < target)
        {
            await Task.Delay(2, cancellationToken);
            if (progress && (int)clock.Elapsed.TotalSeconds is var second && second > lastSecond)
            {
                var ran = runs.Count;
                rates.Add(ran - last);
                Console.Error.WriteLine($"  {second,4} s  enqueued {table.Enqueued,8}  ran {ran,8}  ({ran - last}/s)");
                (last, lastSecond) = (ran, second);
            }
        }
        while (await table.SucceededAsync(cancellationToken) < target)
        {
            await Task.Delay(2, cancellationToken); // the last handlers returned; their successes commit right after
        }
        return rates;
    }

    private static LatencyHistogram Histogram(IEnumerable<(DateTimeOffset Created, DateTimeOffset Finished)> times)
    {
        var histogram = new LatencyHistogram();
        foreach (var (created, finished) in times)
        {
            histogram.Record((long)(finished - created).TotalMicroseconds);
        }
        return histogram;
    }

    /// <summary>The benchmark's queue is its own (bench/run.sh names it per run): leave nothing behind on the broker.</summary>
    private static async Task DeleteQueueAsync(IServiceProvider services)
    {
        if (services.GetService<RabbitMqSettings>() is not { } rabbit)
        {
            return;
        }
        await using var connection = await new ConnectionFactory { Uri = rabbit.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(rabbit.Queue, ifUnused: false, ifEmpty: false);
        await channel.QueueDeleteAsync(rabbit.DeadLetterQueue, ifUnused: false, ifEmpty: false);
        await channel.ExchangeDeleteAsync(rabbit.Exchange, ifUnused: false);
        await channel.ExchangeDeleteAsync(rabbit.DeadLetterExchange, ifUnused: false);
    }

    private static RunReport Report(JobsOptions options, string setup, JobSettings settings, double seconds, double enqueueSeconds,
        LatencyHistogram loaded, LatencyHistogram idle, List<long> rates, CpuWindow? cpu, long unexpected, long duplicates) => new()
    {
        Kind = "coffer",
        Label = options.Label,
        Scenario = "jobs",
        StartedAtUtc = DateTimeOffset.UtcNow.AddSeconds(-seconds),
        Connections = settings.Concurrency,
        DurationSeconds = (int)Math.Ceiling(seconds),
        Accounts = 0,
        Requests = options.Jobs,
        MeasuredSeconds = Math.Round(seconds, 3),
        ThroughputPerSecond = Math.Round(options.Jobs / seconds, 1),
        Latency = LatencySummary.From(loaded),
        Errors = unexpected + Math.Max(0, duplicates),
        ErrorRate = Math.Round((double)(unexpected + Math.Max(0, duplicates)) / options.Jobs, 6),
        Outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["succeeded at the first attempt"] = options.Jobs - unexpected,
            ["ran twice"] = Math.Max(0, duplicates),
        },
        Resources = ResourceSummary.From(cpu, null, null),
        RatePerSecond = rates,
        MachineLoad = File.Exists("/proc/loadavg") ? "loadavg " + File.ReadAllText("/proc/loadavg").Trim() : null,
        Details = new Dictionary<string, string>
        {
            ["setup"] = setup,
            ["batch"] = options.Batch.ToString(CultureInfo.InvariantCulture),
            ["enqueueSeconds"] = enqueueSeconds.ToString("0.000", CultureInfo.InvariantCulture),
            ["idleLatency"] = LatencySummary.From(idle).ToString(),
            ["brokerCores"] = cpu is null ? "-" : (cpu.BrokerSeconds / cpu.WindowSeconds).ToString("0.00", CultureInfo.InvariantCulture),
        },
    };

    private static string Describe(RunReport report, string setup, LatencyHistogram idle, CpuWindow? cpu, double enqueueSeconds,
        long unexpected, long duplicates)
    {
        var inv = CultureInfo.InvariantCulture;
        string Cores(double seconds) => cpu is null ? "-" : (seconds / cpu.WindowSeconds).ToString("0.00", inv);
        return string.Join(Environment.NewLine,
            $"== jobs [{report.Label}]: {setup}",
            string.Create(inv, $"throughput   {report.ThroughputPerSecond:0.0} jobs/s  ({report.Requests} jobs, first enqueue → last success committed in {report.MeasuredSeconds:0.00} s)"),
            $"latency      {report.Latency}  (enqueue → success committed, all {report.Requests} enqueued at once: mostly waiting in line)",
            $"idle latency {LatencySummary.From(idle)}  ({idle.Count} jobs one at a time)",
            string.Create(inv, $"enqueue      {report.Requests} jobs in {enqueueSeconds:0.00} s ({report.Requests / enqueueSeconds:0} /s by one enqueuer, in transactions of {report.Details!["batch"]})"),
            cpu is null
                ? "cpu          not measured (no /proc)"
                : $"cpu          coffer (server and enqueuer) {Cores(cpu.LoadGeneratorSeconds)} cores, postgres {Cores(cpu.PostgresSeconds)}, "
                    + $"rabbitmq {Cores(cpu.BrokerSeconds)}, rest {Cores(Math.Max(0, cpu.OtherSeconds - cpu.BrokerSeconds))}; "
                    + $"machine {Cores(cpu.MachineBusySeconds)} of {cpu.MachineCores} busy",
            $"machine      {report.MachineLoad}",
            unexpected == 0 && duplicates == 0
                ? "verify       every job succeeded at its first attempt, none ran twice: PASSED"
                : $"verify       FAILED: {unexpected} job(s) not succeeded at the first attempt, {duplicates} extra run(s)");
    }
}
