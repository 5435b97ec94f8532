using System.Diagnostics;
using System.Net;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Platform.Tests.Jobs;

/// <summary>The job API: who may read a job, and the operators' dead-letter tools.</summary>
public sealed class JobApiTests
{
    private static readonly Dictionary<string, string?> FastPolling = new() { ["Coffer:Jobs:PollMilliseconds"] = "50" };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Job_IsVisibleToItsOwnerAndTheTenantsStaff_AndNobodyElse(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, FastPolling, ScriptedJobs.Register);
        var id = await server.EnqueueAsync(new JobScript(), owner: "alice");
        await server.Customer("alice").WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded");
        foreach (var client in new[] { server.Operator(), server.Admin(), server.ClientFor("svc", RoleClients.DefaultTenant, "service") })
        {
            await (await client.GetAsync($"/api/v1/jobs/{id}")).ExpectAsync(HttpStatusCode.OK);
        }
        foreach (var client in new[] { server.Customer("bob"), server.Operator("globex"), server.Admin("globex"), server.Customer("alice", "globex") })
        {
            Assert.Equal("not_found", (await (await client.GetAsync($"/api/v1/jobs/{id}")).ExpectAsync(HttpStatusCode.NotFound)).Code());
        }
        await (await server.Customer("alice").GetAsync($"/api/v1/jobs/{Guid.NewGuid()}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DeadLetters_AreListed_Discarded_AndReplayed_OnlyFromTheRightStates_AndAudited(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, FastPolling, ScriptedJobs.Register);
        var ops = server.Operator();
        var dead = await server.EnqueueAsync(new JobScript(Permanent: true));
        var fine = await server.EnqueueAsync(new JobScript());
        await ops.WaitForJobAsync(dead, j => j.GetProperty("status").GetString() == "dead");
        await ops.WaitForJobAsync(fine, j => j.GetProperty("status").GetString() == "succeeded");

        var page = await (await ops.GetAsync("/api/v1/admin/jobs?status=dead&type=test.scripted")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([dead], page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
        var all = await (await ops.GetAsync("/api/v1/admin/jobs?limit=1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(all.GetProperty("items").EnumerateArray());
        var next = await (await ops.GetAsync($"/api/v1/admin/jobs?limit=1&cursor={all.GetProperty("nextCursor").GetString()}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(all.GetProperty("items")[0].GetProperty("id").GetGuid(), next.GetProperty("items")[0].GetProperty("id").GetGuid());
        await (await ops.GetAsync("/api/v1/admin/jobs?status=sleeping")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Empty((await (await server.Operator("globex").GetAsync("/api/v1/admin/jobs")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        // Wrong state: a succeeded job is neither replayed nor discarded.
        var conflict = await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{fine}/replay", new { })).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("invalid_transition", conflict.Code());
        await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{fine}/discard", new { reason = "test" })).ExpectAsync(HttpStatusCode.Conflict);
        // Another tenant's operator cannot touch it; customers cannot use the tools at all.
        await (await server.Operator("globex").PostJsonAsync($"/api/v1/admin/jobs/{dead}/discard", new { reason = "test" })).ExpectAsync(HttpStatusCode.NotFound);
        await (await server.Customer("alice").PostJsonAsync($"/api/v1/admin/jobs/{dead}/discard", new { reason = "test" })).ExpectAsync(HttpStatusCode.Forbidden);

        var noReason = await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{dead}/discard", new { })).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        var discarded = await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{dead}/discard", new { reason = "customer cancelled" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("discarded", discarded.GetProperty("status").GetString());
        await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{dead}/discard", new { reason = "test" })).ExpectAsync(HttpStatusCode.Conflict);
        var replayed = await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{dead}/replay", new { })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("queued", replayed.GetProperty("status").GetString());
        await ops.WaitForJobAsync(dead, j => j.GetProperty("status").GetString() == "dead" && j.GetProperty("attempts").GetInt32() == 1);

        var trail = await (await server.Admin().GetAsync($"/api/v1/admin/audit?resourceType=job&resourceId={dead}")).ExpectAsync(HttpStatusCode.OK);
        var actions = trail.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).Reverse().ToList();
        Assert.Equal(["job.discarded", "job.replayed"], actions);
        Assert.Equal("ops", trail.GetProperty("items")[0].GetProperty("actor").GetString());
        Assert.Equal("customer cancelled", trail.GetProperty("items")[1].GetProperty("after").GetProperty("reason").GetString());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("database")]
    [InlineData("rabbitmq")]
    public async Task JobSpan_IsLinkedToTheTraceThatEnqueuedIt_OnEitherTransport(string transport)
    {
        await using var queue = transport == "rabbitmq" ? new RabbitMq.RabbitMqTestQueue(TestEnvironment.RabbitMq) : null;
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CofferTelemetry.Prefix + ".Work", // not CofferTelemetry.Work: it may not exist yet
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, queue?.Settings(FastPolling) ?? FastPolling,
            ScriptedJobs.Register);
        using var source = new ActivitySource("Coffer.Tests.Enqueue");
        using var enqueueListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(enqueueListener);

        Guid id;
        ActivityTraceId requestTrace;
        using (var request = source.StartActivity("request")!)
        {
            requestTrace = request.TraceId;
            id = await server.EnqueueAsync(new JobScript());
        }
        await server.Operator().WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "succeeded");
        Activity? span = null;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (span is null && DateTime.UtcNow < deadline)
        {
            lock (spans)
            {
                span = spans.FirstOrDefault(a => (string?)a.GetTagItem("coffer.job.id") == id.ToString());
            }
            await Task.Delay(20);
        }
        Assert.NotNull(span);
        Assert.NotEqual(requestTrace, span.TraceId); // a trace of its own ...
        Assert.Contains(span.Links, link => link.Context.TraceId == requestTrace); // ... linked to the request's
        var job = await (await server.Operator().GetAsync($"/api/v1/jobs/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(requestTrace.ToString(), job.GetProperty("traceId").GetString());
    }
}
