using Coffer.Platform.Jobs;

namespace Coffer.Bench.Jobs;

/// <summary>
/// The benchmark's job type, <c>bench.noop</c>: does nothing but count its runs, so that what is measured is the job
/// machinery itself — enqueue, transport, claim, the attempt's scope and the committed success.
/// </summary>
internal sealed class NoopJob(NoopJobRuns runs) : IJobHandler
{
    public const string JobType = "bench.noop";

    public string Type => JobType;

    public Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        runs.Add();
        return Task.FromResult<object?>(null);
    }
}

/// <summary>How many attempts of <see cref="NoopJob"/> ran in this process: more than the jobs enqueued means one ran twice.</summary>
internal sealed class NoopJobRuns
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}
