using System.Net;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coffer.Platform.Tests.Jobs;

/// <summary>Jobs through the database transport, on both engines: outbox semantics, retries, dead letters, leases.</summary>
public sealed class JobLifecycleTests
{
    private static readonly Dictionary<string, string?> FastPolling = new()
    {
        ["Coffer:Jobs:PollMilliseconds"] = "50",
    };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CommittedJob_Runs_AndSucceedsWithItsResult_Once(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, FastPolling, ScriptedJobs.Register);
        var id = await server.EnqueueAsync(new JobScript(Note: "hello"));
        var job = await server.Customer("alice").WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal(4, job.GetProperty("maxAttempts").GetInt32());
        Assert.Equal("hello", job.GetProperty("result").GetProperty("note").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, job.GetProperty("nextRunAt").ValueKind);
        Assert.Equal(1, server.JobLog().AttemptsOf(id));
        Assert.Equal(1, await EffectsAsync(server, id));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RolledBackTransaction_LeavesNoJob(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, FastPolling, ScriptedJobs.Register);
        Guid id;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = RoleClients.DefaultTenant;
            await session.BeginAsync(CancellationToken.None);
            id = scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(RoleClients.DefaultTenant, ScriptedJobHandler.JobType, new JobScript(), "alice");
            await session.RollbackAsync();
        }
        await Task.Delay(300); // several polls
        await (await server.Operator().GetAsync($"/api/v1/jobs/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Empty(server.JobLog().Attempts);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TransientFailures_RetryAfter2_4_8Seconds_ThenDead_AndReplaySucceeds(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await CofferTestServer.StartAsync(provider, FastPolling, services =>
        {
            ScriptedJobs.Register(services);
            services.AddSingleton<TimeProvider>(clock);
        });
        var ops = server.Operator();
        var id = await server.EnqueueAsync(new JobScript(FailAttempts: 4));

        var expected = new[] { 2.0, 4.0, 8.0 };
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var failedAt = clock.GetUtcNow();
            var failed = await ops.WaitForJobAsync(id, j => j.GetProperty("attempts").GetInt32() == attempt && j.GetProperty("status").GetString() == "failed");
            var delay = (failed.GetProperty("nextRunAt").GetDateTimeOffset() - failedAt).TotalSeconds;
            Assert.InRange(delay, expected[attempt - 1] * 0.8 - 0.01, expected[attempt - 1] * 1.2 + 0.01);
            Assert.Contains($"attempt {attempt}", failed.GetProperty("lastError").GetString());
            // Not due yet: nothing runs however long real time passes.
            await Task.Delay(200);
            Assert.Equal(attempt, server.JobLog().AttemptsOf(id));
            clock.Advance(TimeSpan.FromSeconds(expected[attempt - 1] * 1.2 + 0.1));
        }
        var dead = await ops.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "dead");
        Assert.Equal(4, dead.GetProperty("attempts").GetInt32());
        Assert.Equal(0, await EffectsAsync(server, id));

        var dlq = await (await ops.GetAsync("/api/v1/admin/jobs?status=dead")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(dlq.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetGuid() == id);
        var replayed = await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{id}/replay", new { })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("queued", replayed.GetProperty("status").GetString());
        var succeeded = await ops.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(1, succeeded.GetProperty("attempts").GetInt32());
        Assert.Equal(5, server.JobLog().AttemptsOf(id));
        Assert.Equal(1, await EffectsAsync(server, id));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PermanentFailure_IsDeadAtOnce(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, FastPolling, ScriptedJobs.Register);
        var id = await server.EnqueueAsync(new JobScript(Permanent: true));
        var dead = await server.Operator().WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "dead");
        Assert.Equal(1, dead.GetProperty("attempts").GetInt32());
        Assert.Equal("The script says this can never work.", dead.GetProperty("lastError").GetString());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task WorkerThatDied_LosesItsLease_TheJobRunsAgain_AndItsEffectCommitsOnce(DatabaseProvider provider)
    {
        // A second worker process took the job and died (its lease is still in the row); this server's worker waits
        // for the lease to expire, then runs the job itself.
        await using var server = await CofferTestServer.StartAsync(provider, new Dictionary<string, string?>(FastPolling)
        {
            ["Coffer:Jobs:LeaseSeconds"] = "2",
        }, ScriptedJobs.Register);
        // The ghost's lease outlives the check below by seconds, even on a loaded machine.
        var id = await EnqueueLeasedToAGhostAsync(server, leaseSeconds: 6);
        Assert.Equal("running", (await (await server.Operator().GetAsync($"/api/v1/jobs/{id}")).ExpectAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await Task.Delay(500);
        Assert.Equal(0, server.JobLog().AttemptsOf(id)); // the lease still protects it

        var done = await server.Operator().WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(2, done.GetProperty("attempts").GetInt32()); // the ghost's attempt counts
        Assert.Equal(1, await EffectsAsync(server, id));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AttemptWhoseLeaseWasTaken_CannotCommitItsEffect(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, new Dictionary<string, string?> { ["Coffer:Role"] = "api" },
            ScriptedJobs.Register);
        var id = await EnqueueLeasedToAGhostAsync(server, leaseSeconds: 60);
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = RoleClients.DefaultTenant;
        var job = (await session.QueryAsync(SqlStatement.Of($"SELECT {Job.Columns} FROM jobs WHERE id = @id", ("id", id)), Job.Read, CancellationToken.None)).Single();
        var execution = new JobExecution(job, "not-the-lease-owner", session, TimeProvider.System);
        await Assert.ThrowsAsync<JobLeaseLostException>(() => execution.BeginAsync(CancellationToken.None));
        Assert.False(session.InTransaction);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GracefulShutdown_GivesTheUnfinishedAttemptBack(DatabaseProvider provider)
    {
        // The first instance only serves the API (and owns the database); the second is the worker that shuts down.
        await using var api = await CofferTestServer.StartAsync(provider, new Dictionary<string, string?> { ["Coffer:Role"] = "api" }, ScriptedJobs.Register);
        var worker = CofferTestServer.StartAlongside(api, new Dictionary<string, string?>(FastPolling)
        {
            ["Coffer:Role"] = "worker",
            ["Coffer:Jobs:ShutdownGraceSeconds"] = "1",
        }, ScriptedJobs.Register);
        var id = await api.EnqueueAsync(new JobScript(WaitForCancellation: true));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!worker.JobLog().Waiting.ContainsKey(id))
        {
            Assert.True(DateTime.UtcNow < deadline, "The worker never started the job.");
            await Task.Delay(25);
        }
        await worker.DisposeAsync();

        var job = await (await api.Operator().GetAsync($"/api/v1/jobs/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("queued", job.GetProperty("status").GetString());
        Assert.Equal(0, job.GetProperty("attempts").GetInt32());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Retention_RemovesOldSucceededAndDeadJobs_AndKeepsTheNewest(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Coffer:Role"] = "api",
            ["Coffer:Jobs:SucceededKept"] = "2",
        }, ScriptedJobs.Register);
        var now = DateTimeOffset.UtcNow;
        var rows = new (string Status, TimeSpan Age)[]
        {
            ("succeeded", TimeSpan.FromHours(25)), ("succeeded", TimeSpan.FromHours(1)), ("succeeded", TimeSpan.FromHours(2)),
            ("succeeded", TimeSpan.FromHours(3)), ("dead", TimeSpan.FromDays(8)), ("dead", TimeSpan.FromDays(6)),
            ("discarded", TimeSpan.FromDays(8)), ("failed", TimeSpan.FromDays(30)), ("queued", TimeSpan.FromDays(30)),
        };
        var ids = new List<Guid>();
        foreach (var (status, age) in rows)
        {
            ids.Add(await InsertFinishedAsync(server, status, now - age));
        }
        var housekeeping = server.Services.GetRequiredService<JobSettings>();
        Assert.Equal(2, housekeeping.SucceededKept);
        var purged = await new JobHousekeepingProbe(server).PurgeAsync();
        Assert.Equal(4, purged); // 25 h old; beyond the newest 2 (3 h); dead 8 days; discarded 8 days
        var left = await StatusesAsync(server);
        Assert.Equal(["dead", "failed", "queued", "succeeded", "succeeded"], left.Order(StringComparer.Ordinal));
    }

    private static async Task<int> EffectsAsync(CofferTestServer server, Guid jobId)
    {
        var trail = await (await server.ClientFor("root", RoleClients.DefaultTenant, "admin")
            .GetAsync($"/api/v1/admin/audit?resourceType=job&resourceId={jobId}")).ExpectAsync(HttpStatusCode.OK);
        return trail.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "test.effect");
    }

    /// <summary>Enqueues a job and leases it, as a worker that then died would have: running, attempt 1, lease held by a ghost.</summary>
    private static async Task<Guid> EnqueueLeasedToAGhostAsync(CofferTestServer server, int leaseSeconds)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = RoleClients.DefaultTenant;
        await session.BeginAsync(CancellationToken.None);
        var id = scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(RoleClients.DefaultTenant, ScriptedJobHandler.JobType, new JobScript(), "alice");
        await session.CommitAsync([SqlStatement.Of(
            "UPDATE jobs SET status = 'running', attempts = 1, lease_owner = 'ghost', lease_expires_at = @until WHERE id = @id",
            ("until", DateTimeOffset.UtcNow.AddSeconds(leaseSeconds)), ("id", id))], CancellationToken.None);
        return id;
    }

    private static async Task<Guid> InsertFinishedAsync(CofferTestServer server, string status, DateTimeOffset at)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = RoleClients.DefaultTenant;
        await session.BeginAsync(CancellationToken.None);
        var id = scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(RoleClients.DefaultTenant, ScriptedJobHandler.JobType, new JobScript(), null);
        await session.CommitAsync([SqlStatement.Of(
            "UPDATE jobs SET status = @status, finished_at = @finishedAt, updated_at = @at WHERE id = @id",
            ("status", status), ("finishedAt", status is "succeeded" or "dead" or "discarded" ? at : null), ("at", at), ("id", id))],
            CancellationToken.None);
        return id;
    }

    private static async Task<List<string>> StatusesAsync(CofferTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        return await session.QueryAsync(SqlStatement.Of("SELECT status FROM jobs"), r => r.GetString(0), CancellationToken.None);
    }

    /// <summary>Runs the housekeeping's purge on demand (its timer runs only in worker processes).</summary>
    private sealed class JobHousekeepingProbe(CofferTestServer server)
    {
        public Task<int> PurgeAsync() => ActivatorUtilities.CreateInstance<JobHousekeeping>(server.Services).PurgeAsync(CancellationToken.None);
    }
}
