using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Tests.Jobs.RabbitMq;

/// <summary>The relay's statements on both engines, without a broker: what it stamps, when it stamps again, what it clears.</summary>
public sealed class JobDispatchSqlTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Relay_StampsDueJobsOnce_AgainWhenTheStampIsALeaseOld_AndClearsOnlyItsOwnStamp(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, new Dictionary<string, string?> { ["Coffer:Role"] = "api" },
            ScriptedJobs.Register);
        var due = await server.EnqueueAsync(new JobScript());
        var later = await EnqueueAtAsync(server, DateTimeOffset.UtcNow.AddHours(1));
        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        var mark = Milliseconds(now);

        Assert.Equal([due], await StampAsync(server, mark, now));
        Assert.Empty(await StampAsync(server, Milliseconds(now.AddSeconds(1)), now.AddSeconds(1))); // its stamp is fresh
        var restamp = Milliseconds(now + Lease + TimeSpan.FromSeconds(1));
        Assert.Equal([due], await StampAsync(server, restamp, now + Lease + TimeSpan.FromSeconds(1))); // that signal may be lost

        Assert.Equal(0, await UnstampAsync(server, [due, later], mark)); // an older round's stamp is not this round's to clear
        Assert.Equal(restamp, await DispatchedAtAsync(server, due));
        Assert.Equal(1, await UnstampAsync(server, [due, later], restamp));
        Assert.Null(await DispatchedAtAsync(server, due));
        Assert.Null(await DispatchedAtAsync(server, later));
    }

    private static DateTimeOffset Milliseconds(DateTimeOffset value) => new(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, value.Offset);

    private static async Task<List<Guid>> StampAsync(CofferTestServer server, DateTimeOffset mark, DateTimeOffset now)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = Session(scope);
        return await session.QueryAsync(JobStore.MarkDispatched(session.Provider, mark, now, now - Lease, 100), r => r.GetGuid(0),
            CancellationToken.None);
    }

    private static async Task<int> UnstampAsync(CofferTestServer server, IReadOnlyCollection<Guid> ids, DateTimeOffset mark)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = Session(scope);
        return (await session.ExecuteAsync([JobStore.Undispatch(session.Provider, ids, mark)], CancellationToken.None)).Single();
    }

    private static async Task<DateTimeOffset?> DispatchedAtAsync(CofferTestServer server, Guid id)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return (await Session(scope).QueryAsync(JobStore.Find(id), Job.Read, CancellationToken.None)).Single().DispatchedAt;
    }

    private static async Task<Guid> EnqueueAtAsync(CofferTestServer server, DateTimeOffset runAt)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = RoleClients.DefaultTenant;
        await session.BeginAsync(CancellationToken.None);
        var id = scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(RoleClients.DefaultTenant, ScriptedJobHandler.JobType, new JobScript(),
            "alice", runAt);
        await session.CommitAsync([], CancellationToken.None);
        return id;
    }

    private static DbSession Session(AsyncServiceScope scope)
    {
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        return session;
    }
}
