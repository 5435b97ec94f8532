namespace Coffer.Platform.Jobs;

/// <summary>
/// Runs the jobs of one <see cref="Type"/>. A handler must be idempotent: an attempt may run again after a crash or a
/// lost lease, so its money effect is keyed by the job (or its business reference) and committed together with the job's
/// success through <see cref="JobExecution.BeginAsync"/> / <see cref="JobExecution.CompleteAsync"/>. External calls
/// happen before <c>BeginAsync</c>, never inside the transaction.
/// <para>Throw <see cref="PermanentJobException"/> for a failure no retry can fix (the job goes dead at once); any other
/// exception is transient and the job is retried on schedule.</para>
/// </summary>
public interface IJobHandler
{
    string Type { get; }

    /// <summary>Runs one attempt; returns the job's result (stored as JSON), or null.</summary>
    Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken);
}

/// <summary>A failure that retrying cannot fix: the job goes dead at once with this message as its reason.</summary>
public sealed class PermanentJobException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>The job's lease passed to another worker (this one was too slow): this attempt's work must not commit.</summary>
public sealed class JobLeaseLostException(Guid jobId) : Exception($"The lease of job {jobId} was lost to another worker.");
