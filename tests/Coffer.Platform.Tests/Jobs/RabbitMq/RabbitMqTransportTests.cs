using System.Net;
using System.Text;
using Coffer.Platform.Jobs;
using Coffer.Platform.Jobs.RabbitMq;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Coffer.Platform.Tests.Jobs.RabbitMq;

/// <summary>
/// Jobs through the RabbitMQ transport, against the test run's broker (and, for the outage, a broker of the test's own):
/// the relay publishes the outbox, consumers claim in the database and acknowledge after the outcome commits.
/// </summary>
public sealed class RabbitMqTransportTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CommittedJob_FlowsThroughTheBroker_AndSucceedsOnce(DatabaseProvider provider)
    {
        await using var queue = new RabbitMqTestQueue(TestEnvironment.RabbitMq);
        await using var server = await CofferTestServer.StartAsync(provider, queue.Settings(), ScriptedJobs.Register);
        var workers = server.Services.GetServices<IHostedService>().ToList();
        Assert.Contains(workers, w => w is JobRelay);
        Assert.Contains(workers, w => w is RabbitMqJobConsumer);
        Assert.DoesNotContain(workers, w => w is DatabaseJobWorker); // nothing but the broker can bring the job to a worker

        var id = await server.EnqueueAsync(new JobScript(Note: "hello"));
        var job = await server.Customer("alice").WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal("hello", job.GetProperty("result").GetProperty("note").GetString());
        Assert.Equal(1, server.JobLog().AttemptsOf(id));
        Assert.Equal(1, (await EffectsAsync(server)).GetValueOrDefault(id));
        Assert.NotNull((await RowAsync(server, id)).DispatchedAt); // published, and the broker confirmed it
        await queue.WaitForAsync(c => c is { Messages: 0, Consumers: 1 }, "its message acknowledged");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TransientFailures_RetryThroughTheBrokerOnSchedule_ThenDead_AndReplaySucceeds(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var queue = new RabbitMqTestQueue(TestEnvironment.RabbitMq);
        await using var server = await CofferTestServer.StartAsync(provider, queue.Settings(), services =>
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
            // Back in the outbox, and not published before it is due, however long real time passes.
            await Task.Delay(300);
            Assert.Null((await RowAsync(server, id)).DispatchedAt);
            Assert.Equal(attempt, server.JobLog().AttemptsOf(id));
            clock.Advance(TimeSpan.FromSeconds(expected[attempt - 1] * 1.2 + 0.1));
        }
        var dead = await ops.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "dead");
        Assert.Equal(4, dead.GetProperty("attempts").GetInt32());
        Assert.False((await EffectsAsync(server)).ContainsKey(id));

        var replayed = await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{id}/replay", new { })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("queued", replayed.GetProperty("status").GetString());
        var succeeded = await ops.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(1, succeeded.GetProperty("attempts").GetInt32());
        Assert.Equal(5, server.JobLog().AttemptsOf(id));
        Assert.Equal(1, (await EffectsAsync(server)).GetValueOrDefault(id));
        Assert.Empty(await queue.DrainAsync(queue.DeadLetterQueue)); // the broker's dead letters are not the jobs' dead-letter queue
    }

    [Fact(Timeout = 120_000)]
    public async Task BrokerDown_JobsWaitInTheOutbox_AndWhenItReturns_EachRunsExactlyOnce()
    {
        await using var broker = await ThrowawayRabbitMq.StartAsync();
        await using var queue = new RabbitMqTestQueue(broker.Uri);
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Postgres, queue.Settings(), ScriptedJobs.Register);
        var customer = server.Customer("alice");
        var before = await server.EnqueueAsync(new JobScript());
        await customer.WaitForJobAsync(before, j => j.GetProperty("status").GetString() == "succeeded");

        await broker.StopAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await server.EnqueueAsync(new JobScript()));
        }
        await Task.Delay(1500); // many relay rounds
        foreach (var id in ids)
        {
            var row = await RowAsync(server, id);
            Assert.Equal(("queued", 0, (DateTimeOffset?)null), (row.Status, row.Attempts, row.DispatchedAt));
            Assert.Equal(0, server.JobLog().AttemptsOf(id));
        }
        var ready = await (await server.CreateClient().GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("degraded", ready.GetProperty("checks").GetProperty("rabbitmq").GetProperty("status").GetString());
        await ActivatorUtilities.CreateInstance<JobHousekeeping>(server.Services).SampleAsync(CancellationToken.None);
        Assert.True(MetricsScrape.Value(await server.ScrapeAsync(), "coffer_job_outbox") >= ids.Count);

        await broker.StartAgainAsync();
        foreach (var id in ids)
        {
            var job = await customer.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(60));
            Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        }
        var effects = await EffectsAsync(server);
        Assert.All(ids.Append(before), id => Assert.Equal((1, 1), (server.JobLog().AttemptsOf(id), effects.GetValueOrDefault(id))));
        Assert.Empty(await queue.DrainAsync(queue.DeadLetterQueue));
        var healthy = await (await server.CreateClient().GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", healthy.GetProperty("checks").GetProperty("rabbitmq").GetProperty("status").GetString());
    }

    [Fact(Timeout = 90_000)]
    public async Task TwoInstances_ConsumingOneQueue_NeverRunAJobTwice()
    {
        await using var queue = new RabbitMqTestQueue(TestEnvironment.RabbitMq);
        await using var first = await CofferTestServer.StartAsync(DatabaseProvider.Postgres, queue.Settings(), ScriptedJobs.Register);
        await using var second = CofferTestServer.StartAlongside(first, queue.Settings(), ScriptedJobs.Register);
        await queue.WaitForAsync(c => c.Consumers == 2, "both instances consuming");

        var ids = new List<Guid>();
        for (var i = 0; i < 60; i++)
        {
            ids.Add(await (i % 2 == 0 ? first : second).EnqueueAsync(new JobScript()));
        }
        var customer = first.Customer("alice");
        foreach (var id in ids)
        {
            var job = await customer.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(60));
            Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        }
        var effects = await EffectsAsync(first);
        Assert.All(ids, id => Assert.Equal((1, 1), (first.JobLog().AttemptsOf(id) + second.JobLog().AttemptsOf(id), effects.GetValueOrDefault(id))));
        // Both took part: the broker spreads the messages over the two consumers.
        Assert.NotEmpty(first.JobLog().Attempts);
        Assert.NotEmpty(second.JobLog().Attempts);
    }

    [Fact(Timeout = 60_000)]
    public async Task MessageThatNamesNoJob_EndsInTheDeadLetterQueue()
    {
        await using var queue = new RabbitMqTestQueue(TestEnvironment.RabbitMq);
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, queue.Settings(), ScriptedJobs.Register);
        await queue.WaitForAsync(c => c.Consumers == 1, "a consumer");

        string[] bodies = ["not a job", """{"jobId":"nope"}""", "{}"];
        foreach (var body in bodies)
        {
            await queue.PublishAsync(body);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var dead = new List<RabbitMQ.Client.BasicGetResult>();
        while (dead.Count < bodies.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{dead.Count} of {bodies.Length} messages reached {queue.DeadLetterQueue}.");
            dead.AddRange(await queue.DrainAsync(queue.DeadLetterQueue));
            await Task.Delay(50);
        }
        Assert.Equal(bodies.Order(), dead.Select(m => Encoding.UTF8.GetString(m.Body.Span)).Order());
        Assert.All(dead, m => Assert.Equal("rejected", DeathReason(m)));
        Assert.Equal((0u, 1u), await queue.CountAsync(queue.Name));
        Assert.Empty(server.JobLog().Attempts);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GracefulShutdown_WithARunningAttempt_GivesItsLeaseBack_AndLeavesTheQueue(DatabaseProvider provider)
    {
        // The first instance only serves the API (and owns the database); the second is the worker that shuts down.
        await using var queue = new RabbitMqTestQueue(TestEnvironment.RabbitMq);
        await using var api = await CofferTestServer.StartAsync(provider, queue.Settings(new() { ["Coffer:Role"] = "api" }), ScriptedJobs.Register);
        var worker = CofferTestServer.StartAlongside(api, queue.Settings(new()
        {
            ["Coffer:Role"] = "worker",
            ["Coffer:Jobs:ShutdownGraceSeconds"] = "1",
        }), ScriptedJobs.Register);
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
        Assert.Null((await RowAsync(api, id)).DispatchedAt); // back in the outbox for the next worker's relay
        // The signal was acknowledged once the lease went back, and the worker left the queue.
        Assert.Equal((0u, 0u), await queue.CountAsync(queue.Name));
    }

    [Fact(Timeout = 60_000)]
    public async Task LostSignal_IsPublishedAgain_OnceItsStampIsALeaseOld()
    {
        await using var queue = new RabbitMqTestQueue(TestEnvironment.RabbitMq);
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Postgres,
            queue.Settings(new() { ["Coffer:Jobs:LeaseSeconds"] = "5" }), ScriptedJobs.Register);
        // Both were stamped as published, but no message exists (a crash between stamp and publish, a purged queue …).
        var now = DateTimeOffset.UtcNow;
        var longAgo = await EnqueueStampedAsync(server, now.AddSeconds(-30));
        var justNow = await EnqueueStampedAsync(server, now);

        var customer = server.Customer("alice");
        await customer.WaitForJobAsync(longAgo, j => j.GetProperty("status").GetString() == "succeeded");
        var waiting = await RowAsync(server, justNow);
        Assert.Equal(("queued", now.ToUnixTimeMilliseconds()), (waiting.Status, waiting.DispatchedAt!.Value.ToUnixTimeMilliseconds()));

        var done = await customer.WaitForJobAsync(justNow, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        Assert.True((await RowAsync(server, justNow)).DispatchedAt >= now.AddSeconds(4.9)); // published again, a lease later
        Assert.Equal((1, 1), (server.JobLog().AttemptsOf(longAgo), server.JobLog().AttemptsOf(justNow)));
    }

    private static string? DeathReason(RabbitMQ.Client.BasicGetResult message) =>
        message.BasicProperties.Headers?["x-death"] is System.Collections.IList { Count: > 0 } deaths
        && deaths[0] is IDictionary<string, object?> death && death["reason"] is byte[] reason
            ? Encoding.UTF8.GetString(reason)
            : null;

    private static async Task<Job> RowAsync(CofferTestServer server, Guid id)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        return (await session.QueryAsync(JobStore.Find(id), Job.Read, CancellationToken.None)).Single();
    }

    /// <summary>How many effects (audit events <c>test.effect</c>) each scripted job committed.</summary>
    private static async Task<Dictionary<Guid, int>> EffectsAsync(CofferTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        var counts = await session.QueryAsync(
            SqlStatement.Of("SELECT resource_id, COUNT(*) FROM audit_events WHERE action = 'test.effect' GROUP BY resource_id"),
            r => (Id: Guid.Parse(r.GetString(0)), Count: Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)),
            CancellationToken.None);
        return counts.ToDictionary(c => c.Id, c => c.Count);
    }

    /// <summary>Enqueues a scripted job whose row says it was published at <paramref name="dispatchedAt"/>.</summary>
    private static async Task<Guid> EnqueueStampedAsync(CofferTestServer server, DateTimeOffset dispatchedAt)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = RoleClients.DefaultTenant;
        await session.BeginAsync(CancellationToken.None);
        var id = scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(RoleClients.DefaultTenant, ScriptedJobHandler.JobType, new JobScript(), "alice");
        await session.CommitAsync([SqlStatement.Of("UPDATE jobs SET dispatched_at = @at WHERE id = @id", ("at", dispatchedAt), ("id", id))],
            CancellationToken.None);
        return id;
    }
}
