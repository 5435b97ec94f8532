using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Jobs;

/// <summary>
/// The database transport's worker: claims due jobs (up to <see cref="JobSettings.Concurrency"/> at a time) under a lease
/// and runs them. Woken at once by jobs this process commits, otherwise it polls. At shutdown it stops claiming, lets
/// running attempts finish for <see cref="JobSettings.ShutdownGrace"/>, then cancels the rest, which give their leases back.
/// </summary>
internal sealed partial class DatabaseJobWorker(
    IServiceScopeFactory scopes, JobRunner runner, JobSettings settings, JobSignal signal, TimeProvider time, ILogger<DatabaseJobWorker> logger)
    : BackgroundService
{
    private readonly CancellationTokenSource _abort = new();

    public string LeaseOwner { get; } = JobRunner.NewLeaseOwner();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(() => _abort.CancelAfter(settings.ShutdownGrace));
        using var slots = new SemaphoreSlim(settings.Concurrency);
        var running = new List<Task>();
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var free = slots.CurrentCount;
                var claimed = free == 0 ? [] : await ClaimAsync(free, stoppingToken);
                failures = claimed is null ? failures + 1 : 0;
                foreach (var job in claimed ?? [])
                {
                    await slots.WaitAsync(CancellationToken.None); // a slot is free: the claim counted them
                    running.Add(RunOneAsync(job, slots));
                }
                running.RemoveAll(t => t.IsCompleted);
                if (claimed is { Count: > 0 } && claimed.Count == free)
                {
                    continue; // every free slot filled: more may be due right now
                }
                var wait = failures == 0 ? settings.PollInterval : TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures)));
                await signal.WaitAsync(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: take no more work, and let the running attempts finish or give their leases back below
        }
        await Task.WhenAll(running);
    }

    /// <summary>
    /// The base first: it cancels the stopping token of a worker that was started but never stopped (a host whose start-up
    /// failed), whose callback still uses <c>_abort</c>; the other order masks the start-up failure with an ObjectDisposedException.
    /// </summary>
    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
    }

    private async Task RunOneAsync(Job job, SemaphoreSlim slots)
    {
        try
        {
            await runner.RunAsync(job, LeaseOwner, _abort.Token);
        }
        finally
        {
            slots.Release();
            signal.Notify(); // a slot is free: look for more work
        }
    }

    /// <summary>Claims up to <paramref name="limit"/> due jobs; null when the database could not be asked.</summary>
    private async Task<List<Job>?> ClaimAsync(int limit, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = DbSession.AllTenants; // every tenant's jobs; each then runs in its own tenant
            session.Operation = "jobs.claim";
            await session.BeginAsync(stoppingToken);
            var jobs = await session.QueryAsync(
                JobStore.Claim(session.Provider, LeaseOwner, limit, time.GetUtcNow(), settings.Lease), Job.Read, stoppingToken);
            await session.CommitAsync([], stoppingToken);
            return jobs;
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogClaimFailed(logger, failure);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not claim jobs; retrying with backoff")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}
