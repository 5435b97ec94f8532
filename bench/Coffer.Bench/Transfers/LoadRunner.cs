using System.Diagnostics;
using System.Globalization;
using Coffer.Bench.Measurement;

namespace Coffer.Bench.Transfers;

/// <summary>What the workers observed. Counts of the measured window, except where named "all".</summary>
internal sealed record LoadResult(
    LatencyHistogram Latency,
    double MeasuredSeconds,
    SortedDictionary<string, long> Outcomes,
    long WarmupRequests,
    long CreatedAll,
    long UnknownOutcomesAll,
    IReadOnlyList<long> RatePerSecond,
    CpuWindow? Cpu,
    double? ServerPeakRssMiB,
    double? ServerRssMiB);

/// <summary>
/// C workers share one HttpClient (at most C connections); each loops until the deadline, one
/// request at a time: closed-loop load, as many requests in flight as connections. Requests started
/// during the warm-up are not measured; their 201s still count for the final verification.
/// </summary>
internal sealed class LoadRunner(CofferApi api, TransfersOptions options, IReadOnlyList<Guid> wallets, string runId)
{
    private long _completed;
    private long _errors;
    private long _measureStartTicks;
    private long _deadlineTicks;

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        _measureStartTicks = start + (long)(options.WarmupSeconds * (double)Stopwatch.Frequency);
        _deadlineTicks = _measureStartTicks + (long)(options.DurationSeconds * (double)Stopwatch.Frequency);
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rates = new List<long>();
        var cpuStartTask = SnapshotAtMeasureStartAsync(cancellationToken);
        var progress = ReportProgressAsync(start, rates, stopProgress.Token);

        var workers = Enumerable.Range(0, options.Connections).Select(i => Task.Run(() => WorkAsync(i, cancellationToken))).ToArray();
        var stats = await Task.WhenAll(workers);
        var measuredSeconds = Stopwatch.GetElapsedTime(_measureStartTicks).TotalSeconds;
        var cpuEnd = CpuSnapshot.Take(options.ServerPid);
        var (peak, current) = options.ServerPid is { } pid ? CpuSnapshot.Memory(pid) : (null, null);
        await stopProgress.CancelAsync();
        await progress;

        var latency = new LatencyHistogram();
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in stats)
        {
            latency.Add(s.Latency);
            foreach (var (outcome, count) in s.Outcomes)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + count;
            }
        }
        return new LoadResult(latency, measuredSeconds, outcomes, stats.Sum(s => s.WarmupRequests), stats.Sum(s => s.CreatedAll),
            stats.Sum(s => s.UnknownAll), rates, CpuWindow.Between(await cpuStartTask, cpuEnd), peak, current);
    }

    private sealed class WorkerStats
    {
        public LatencyHistogram Latency { get; } = new();
        public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
        public long WarmupRequests { get; set; }
        public long CreatedAll { get; set; }
        public long UnknownAll { get; set; }
    }

    private async Task<WorkerStats> WorkAsync(int worker, CancellationToken cancellationToken)
    {
        var stats = new WorkerStats();
        var random = new Random(HashCode.Combine(runId, worker));
        for (long sequence = 0; Stopwatch.GetTimestamp() < _deadlineTicks && !cancellationToken.IsCancellationRequested; sequence++)
        {
            var (from, to) = PickPair(random);
            var key = $"{runId}-{worker}-{sequence}";
            var started = Stopwatch.GetTimestamp();
            string outcome;
            try
            {
                var (status, code) = await api.TransferAsync(from, to, TransfersOptions.TransferAmountMinor, options.Currency, key, cancellationToken);
                outcome = status == 201 ? "201" : $"{status} {code ?? "-"}";
            }
            catch (HttpRequestException failure)
            {
                outcome = $"transport {failure.HttpRequestError}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = "timeout";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            var ended = Stopwatch.GetTimestamp();
            Record(stats, outcome, started, ended);
        }
        return stats;
    }

    private void Record(WorkerStats stats, string outcome, long started, long ended)
    {
        var created = outcome == "201";
        var unknown = outcome.StartsWith("transport", StringComparison.Ordinal) || outcome == "timeout";
        stats.CreatedAll += created ? 1 : 0;
        stats.UnknownAll += unknown ? 1 : 0;
        Interlocked.Increment(ref _completed);
        if (!created)
        {
            Interlocked.Increment(ref _errors);
        }
        if (started < _measureStartTicks)
        {
            stats.WarmupRequests++;
            return;
        }
        stats.Latency.Record((long)Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds);
        stats.Outcomes[outcome] = stats.Outcomes.GetValueOrDefault(outcome) + 1;
    }

    /// <summary>Uniform distinct pair; in hot mode wallet #1 is always one side, debited or credited at random.</summary>
    private (Guid From, Guid To) PickPair(Random random)
    {
        if (options.Hot)
        {
            var other = wallets[1 + random.Next(wallets.Count - 1)];
            return random.Next(2) == 0 ? (wallets[0], other) : (other, wallets[0]);
        }
        var a = random.Next(wallets.Count);
        var b = random.Next(wallets.Count - 1);
        return (wallets[a], wallets[b >= a ? b + 1 : b]);
    }

    private async Task<CpuSnapshot> SnapshotAtMeasureStartAsync(CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _measureStartTicks);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
        return CpuSnapshot.Take(options.ServerPid);
    }

    /// <summary>One compact line a second on stderr; the per-second rates also go into the result.</summary>
    private async Task ReportProgressAsync(long start, List<long> rates, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long previous = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                var completed = Interlocked.Read(ref _completed);
                var rate = completed - previous;
                previous = completed;
                var phase = now < _measureStartTicks ? "warmup " : now < _deadlineTicks ? "measure" : "drain  ";
                if (now >= _measureStartTicks && now < _deadlineTicks + Stopwatch.Frequency / 2)
                {
                    rates.Add(rate);
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{Stopwatch.GetElapsedTime(start, now).TotalSeconds,4:0}s] {phase} requests {completed,9}  rate {rate,6}/s  errors {Interlocked.Read(ref _errors)}"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
