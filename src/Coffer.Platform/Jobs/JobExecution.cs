using System.Text.Json;
using Coffer.Platform.Persistence;

namespace Coffer.Platform.Jobs;

/// <summary>One attempt of one job, as its handler sees it.</summary>
public sealed class JobExecution
{
    private readonly string _leaseOwner;
    private readonly TimeProvider _time;

    internal JobExecution(Job job, string leaseOwner, DbSession session, TimeProvider time)
    {
        Job = job;
        _leaseOwner = leaseOwner;
        Session = session;
        _time = time;
    }

    public Job Job { get; }
    public Guid Id => Job.Id;
    public string TenantId => Job.TenantId;

    /// <summary>1 for the first attempt.</summary>
    public int Attempt => Job.Attempts;

    public bool IsLastAttempt => Job.Attempts >= Job.MaxAttempts;

    /// <summary>The unit of work of this attempt, scoped to the job's tenant.</summary>
    public DbSession Session { get; }

    internal bool Completed { get; private set; }
    internal string? ResultJson { get; private set; }

    public T Payload<T>() => JsonSerializer.Deserialize<T>(Job.Payload, JobQueue.PayloadJson)
        ?? throw new PermanentJobException($"Job {Id} has an empty payload.");

    /// <summary>
    /// Opens the transaction in which the job's effect commits with its success, and locks the job while this worker
    /// still holds its lease; throws <see cref="JobLeaseLostException"/> otherwise.
    /// </summary>
    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        await Session.BeginAsync(cancellationToken);
        var held = await Session.QueryAsync(JobStore.LockLeased(Session.Provider, Id, _leaseOwner), r => r.GetGuid(0), cancellationToken);
        if (held.Count != 1)
        {
            await Session.RollbackAsync();
            throw new JobLeaseLostException(Id);
        }
    }

    /// <summary>Commits <paramref name="final"/> statements and the job's success (with <paramref name="result"/>) together.</summary>
    public async Task CompleteAsync(object? result, IReadOnlyList<SqlStatement> final, CancellationToken cancellationToken)
    {
        var json = result is null ? null : JsonSerializer.Serialize(result, JobQueue.PayloadJson);
        await Session.CommitAsync([.. final, JobStore.Succeed(Id, _leaseOwner, json, _time.GetUtcNow())], cancellationToken);
        Completed = true;
        ResultJson = json;
    }
}
