using System.Collections.Concurrent;
using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Testing;

/// <summary>What a scripted job does on each attempt.</summary>
/// <param name="FailAttempts">The first N attempts (counted across replays) throw a transient failure.</param>
/// <param name="Permanent">Every attempt throws a permanent failure.</param>
/// <param name="WaitForCancellation">The attempt waits until it is cancelled (shutdown, or its deadline).</param>
public sealed record JobScript(int FailAttempts = 0, bool Permanent = false, bool WaitForCancellation = false, string? Note = null);

/// <summary>
/// A job type for tests of the job machinery (<c>test.scripted</c>): each attempt follows the job's <see cref="JobScript"/>,
/// is recorded, and on success commits its "effect" — an audit event keyed by the job — in the same transaction as the
/// job's success, so a test can count effects in the database.
/// </summary>
public sealed class ScriptedJobHandler(ScriptedJobLog log, AuditTrail audit) : IJobHandler
{
    public const string JobType = "test.scripted";

    public string Type => JobType;

    public async Task<object?> RunAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var script = job.Payload<JobScript>();
        log.Attempts.Enqueue((job.Id, job.Attempt));
        var attemptsSoFar = log.AttemptsOf(job.Id); // across replays, unlike job.Attempt
        if (script.WaitForCancellation)
        {
            log.Waiting.TryAdd(job.Id, true);
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        if (script.Permanent)
        {
            throw new PermanentJobException("The script says this can never work.");
        }
        if (attemptsSoFar <= script.FailAttempts)
        {
            throw new InvalidOperationException($"Scripted transient failure on attempt {attemptsSoFar}.");
        }
        await job.BeginAsync(cancellationToken);
        audit.Record(job.TenantId, "test.effect", "job", job.Id.ToString(), null, new { job.Attempt, script.Note });
        var result = new { attempt = job.Attempt, note = script.Note };
        await job.CompleteAsync(result, [], cancellationToken);
        return result;
    }
}

/// <summary>Every attempt the scripted handler made in this server, in order.</summary>
public sealed class ScriptedJobLog
{
    public ConcurrentQueue<(Guid JobId, int Attempt)> Attempts { get; } = new();
    public ConcurrentDictionary<Guid, bool> Waiting { get; } = new();

    public int AttemptsOf(Guid jobId) => Attempts.Count(a => a.JobId == jobId);
}

public static class ScriptedJobs
{
    /// <summary>Registers the scripted job type (pass as, or inside, a test server's <c>services</c>).</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<ScriptedJobLog>();
        services.AddJobHandler<ScriptedJobHandler>(ScriptedJobHandler.JobType);
    }

    /// <summary>Enqueues a scripted job for <paramref name="owner"/> of <paramref name="tenant"/> in a committed transaction.</summary>
    public static async Task<Guid> EnqueueAsync(this CofferTestServer server, JobScript script, string tenant = RoleClients.DefaultTenant,
        string? owner = "alice")
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = tenant;
        await session.BeginAsync(CancellationToken.None);
        var id = scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(tenant, ScriptedJobHandler.JobType, script, owner);
        await session.CommitAsync([], CancellationToken.None);
        return id;
    }

    public static ScriptedJobLog JobLog(this CofferTestServer server) => server.Services.GetRequiredService<ScriptedJobLog>();

    /// <summary>Reads the job through the API until <paramref name="condition"/> holds; fails after <paramref name="timeout"/>.</summary>
    public static async Task<System.Text.Json.JsonElement> WaitForJobAsync(this HttpClient client, Guid jobId,
        Func<System.Text.Json.JsonElement, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var job = await (await client.GetAsync($"/api/v1/jobs/{jobId}")).ExpectAsync(System.Net.HttpStatusCode.OK);
            if (condition(job))
            {
                return job;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Job {jobId} never reached the expected state; last seen: {job}");
            }
            await Task.Delay(25);
        }
    }
}
