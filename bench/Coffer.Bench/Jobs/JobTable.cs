using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Bench.Jobs;

/// <summary>The benchmark's jobs in the hosted server's own database: enqueued through <see cref="JobQueue"/>, counted with SQL.</summary>
internal sealed class JobTable(IServiceProvider services)
{
    public const string Tenant = "bench";

    private long _enqueued;

    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Enqueues <paramref name="count"/> jobs, <paramref name="batch"/> per transaction (as one use case enqueuing many would).</summary>
    public async Task EnqueueAsync(int count, int batch, CancellationToken cancellationToken)
    {
        for (var done = 0; done < count; done += batch)
        {
            var size = Math.Min(batch, count - done);
            await using var scope = services.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = Tenant;
            session.Operation = "bench.enqueue";
            await session.BeginAsync(cancellationToken);
            var queue = scope.ServiceProvider.GetRequiredService<JobQueue>();
            for (var i = 0; i < size; i++)
            {
                queue.Enqueue(Tenant, NoopJob.JobType, new { n = done + i }, ownerSubject: null);
            }
            await session.CommitAsync([], cancellationToken);
            Interlocked.Add(ref _enqueued, size);
        }
    }

    public Task<long> SucceededAsync(CancellationToken cancellationToken) => CountAsync(
        $"SELECT COUNT(*) FROM jobs WHERE type = @type AND status = '{JobStatus.Succeeded}'", cancellationToken);

    /// <summary>Jobs that did not succeed at their first attempt (none, when nothing ran twice and nothing failed).</summary>
    public Task<long> UnexpectedAsync(CancellationToken cancellationToken) => CountAsync(
        $"SELECT COUNT(*) FROM jobs WHERE type = @type AND (status <> '{JobStatus.Succeeded}' OR attempts <> 1)", cancellationToken);

    /// <summary>When each job created since <paramref name="since"/> was enqueued and when its success committed.</summary>
    public async Task<List<(DateTimeOffset Created, DateTimeOffset Finished)>> TimesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await Session(scope).QueryAsync(SqlStatement.Of(
                $"SELECT created_at, finished_at FROM jobs WHERE type = @type AND status = '{JobStatus.Succeeded}' AND created_at >= @since",
                ("type", NoopJob.JobType), ("since", since)),
            r => (r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1)), cancellationToken);
    }

    private async Task<long> CountAsync(string sql, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var rows = await Session(scope).QueryAsync(SqlStatement.Of(sql, ("type", NoopJob.JobType)), r => r.GetInt64(0), cancellationToken);
        return rows.Single();
    }

    private static DbSession Session(AsyncServiceScope scope)
    {
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        session.Operation = "bench.count";
        return session;
    }
}
