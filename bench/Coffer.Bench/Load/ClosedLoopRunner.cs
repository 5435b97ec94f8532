using System.Diagnostics;
using System.Globalization;
using Coffer.Bench.Measurement;

namespace Coffer.Bench.Load;

/// <summary>What the workers observed. Counts of the measured window, except where named "all".</summary>
internal sealed record LoadResult(
    IReadOnlyList<KindResult> Kinds,
    double MeasuredSeconds,
    long WarmupRequests,
    long TransfersCreatedAll,
    long TransfersUnknownAll,
    IReadOnlyList<long> RatePerSecond,
    CpuWindow? Cpu,
    double? ServerPeakRssMiB,
    double? ServerRssMiB)
{
    public LatencyHistogram AllLatency()
    {
        var all = new LatencyHistogram();
        foreach (var kind in Kinds)
        {
            all.Add(kind.Latency);
        }
        return all;
    }
}

/// <summary>One operation kind's measured requests: latency, outcomes ("201", "422 insufficient_funds", "timeout" ...) and transfers.</summary>
internal sealed record KindResult(string Kind, LatencyHistogram Latency, SortedDictionary<string, long> Outcomes, long TransfersCreated);

/// <summary>
/// C workers share one HttpClient (at most C connections); each loops until the deadline, one request at a time:
/// closed-loop load, as many requests in flight as connections. What each request is comes from the
/// <see cref="IWorkload"/>. Requests started during the warm-up are not measured; the transfers they created still
/// count for the final verification. One progress line a second on stderr.
/// </summary>
internal sealed class ClosedLoopRunner(IWorkload workload, LoadOptions options, string runId)
{
    private long _completed;
    private long _errors;
    private long _transfers;
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

        var kinds = workload.Kinds.Select((name, k) =>
        {
            var latency = new LatencyHistogram();
            var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var s in stats)
            {
                latency.Add(s.Latency[k]);
                foreach (var (outcome, count) in s.Outcomes[k])
                {
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + count;
                }
            }
            return new KindResult(name, latency, outcomes, stats.Sum(s => s.TransfersCreated[k]));
        }).ToList();
        return new LoadResult(kinds, measuredSeconds, stats.Sum(s => s.WarmupRequests), stats.Sum(s => s.TransfersCreatedAll),
            stats.Sum(s => s.TransfersUnknownAll), rates, CpuWindow.Between(await cpuStartTask, cpuEnd), peak, current);
    }

    private sealed class WorkerStats(int kinds)
    {
        public LatencyHistogram[] Latency { get; } = Enumerable.Range(0, kinds).Select(_ => new LatencyHistogram()).ToArray();
        public Dictionary<string, long>[] Outcomes { get; } = Enumerable.Range(0, kinds).Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
        public long[] TransfersCreated { get; } = new long[kinds];
        public long WarmupRequests { get; set; }
        public long TransfersCreatedAll { get; set; }
        public long TransfersUnknownAll { get; set; }
    }

    private async Task<WorkerStats> WorkAsync(int worker, CancellationToken cancellationToken)
    {
        var stats = new WorkerStats(workload.Kinds.Count);
        var random = new Random(HashCode.Combine(runId, worker));
        for (long sequence = 0; Stopwatch.GetTimestamp() < _deadlineTicks && !cancellationToken.IsCancellationRequested; sequence++)
        {
            var operation = workload.Next(worker, sequence, random);
            var started = Stopwatch.GetTimestamp();
            string outcome;
            var succeeded = false;
            try
            {
                var result = await operation.Send(cancellationToken);
                succeeded = result.IsSuccess;
                outcome = succeeded ? $"{result.Status}" : $"{result.Status} {result.Code ?? "-"}";
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
            Record(stats, operation, outcome, succeeded, started, Stopwatch.GetTimestamp());
        }
        return stats;
    }

    private void Record(WorkerStats stats, PlannedOperation operation, string outcome, bool succeeded, long started, long ended)
    {
        // A timeout or a broken connection may or may not have committed: the verification allows for it.
        var unknown = outcome.StartsWith("transport", StringComparison.Ordinal) || outcome == "timeout";
        var created = succeeded ? operation.Transfers : 0;
        stats.TransfersCreatedAll += created;
        stats.TransfersUnknownAll += unknown ? operation.Transfers : 0;
        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _transfers, created);
        if (!succeeded)
        {
            Interlocked.Increment(ref _errors);
        }
        if (started < _measureStartTicks)
        {
            stats.WarmupRequests++;
            return;
        }
        stats.Latency[operation.Kind].Record((long)Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds);
        var outcomes = stats.Outcomes[operation.Kind];
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        stats.TransfersCreated[operation.Kind] += created;
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

    /// <summary>One compact line a second on stderr; the per-second request rates also go into the result.</summary>
    private async Task ReportProgressAsync(long start, List<long> rates, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long previous = 0, previousTransfers = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                var completed = Interlocked.Read(ref _completed);
                var transfers = Interlocked.Read(ref _transfers);
                var rate = completed - previous;
                var transferRate = transfers - previousTransfers;
                (previous, previousTransfers) = (completed, transfers);
                var phase = now < _measureStartTicks ? "warmup " : now < _deadlineTicks ? "measure" : "drain  ";
                if (now >= _measureStartTicks && now < _deadlineTicks + Stopwatch.Frequency / 2)
                {
                    rates.Add(rate);
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{Stopwatch.GetElapsedTime(start, now).TotalSeconds,4:0}s] {phase} requests {completed,9}  rate {rate,6}/s  transfers {transferRate,7}/s  errors {Interlocked.Read(ref _errors)}"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
