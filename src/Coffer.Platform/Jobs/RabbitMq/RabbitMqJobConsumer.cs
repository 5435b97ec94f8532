using System.Collections.Concurrent;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>
/// The RabbitMQ transport's worker. It consumes the job queue with manual acknowledgements and a prefetch of
/// <see cref="RabbitMqSettings.Prefetch"/>, runs at most <see cref="JobSettings.Concurrency"/> attempts at once, and for
/// each message:
/// <list type="bullet">
/// <item>claims the job it names in the database (<see cref="JobStore.ClaimOne"/>: leased to this worker, the attempt
/// counted) — the row, not the message, decides whether anything runs;</item>
/// <item>runs the attempt through <see cref="JobRunner"/>, which commits its outcome (succeeded with the handler's effect,
/// failed with the next attempt scheduled, dead, or released at shutdown);</item>
/// <item>and only then acknowledges the message. A worker that dies before that leaves it unacknowledged: the broker
/// hands it to another worker, whose claim finds the job still leased and drops the message, and once the lease
/// expires the relay publishes the job again.</item>
/// </list>
/// A message whose job is not due (done, scheduled later, leased elsewhere, or unknown) is acknowledged and dropped. A
/// message that names no job is rejected without requeue, into the dead-letter queue. When the database cannot be
/// reached the message is requeued after a delay (1 s doubling to 15 s); the quorum queue dead-letters it after
/// <see cref="RabbitMqSettings.DeliveryLimit"/> deliveries, which loses nothing: the job stays due in its row.
/// <para>When the broker goes away the consumer reconnects with backoff; attempts already running finish, and their
/// acknowledgement on the dead channel is simply lost (the redelivered message finds the job done and is dropped). At
/// shutdown it cancels the consumer, lets running attempts finish for <see cref="JobSettings.ShutdownGrace"/> (then
/// cancels them: they give their lease back and the job returns to the outbox), and closes its channel; the connection
/// closes with the host.</para>
/// </summary>
internal sealed partial class RabbitMqJobConsumer(
    IServiceScopeFactory scopes, RabbitMqConnection broker, JobRunner runner, JobSettings settings, TimeProvider time,
    ILogger<RabbitMqJobConsumer> logger)
    : BackgroundService
{
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _slots = new(settings.Concurrency);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private CancellationToken _stopping;
    private int _brokerFailures;
    private int _databaseFailures;

    public string LeaseOwner { get; } = JobRunner.NewLeaseOwner();

    private ILogger Logger => logger;
    private string Queue => broker.Settings.Queue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var stopping = stoppingToken.Register(() => _abort.CancelAfter(settings.ShutdownGrace));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(stoppingToken);
            }
            catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
            {
                if (_brokerFailures++ == 0)
                {
                    LogBrokerLost(logger, broker.Settings.Endpoint, failure);
                }
                else
                {
                    LogStillLost(logger, _brokerFailures, failure);
                }
                try
                {
                    await Task.Delay(JobRelay.Backoff(_brokerFailures), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // shutting down while the broker is away
                }
            }
        }
        await Task.WhenAll(_running.Keys);
    }

    /// <summary>Consumes on one channel until it closes (throws) or the host stops (returns, after a graceful stop).</summary>
    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var connection = await broker.GetAsync(stoppingToken);
        await RabbitMqTopology.DeclareAsync(connection, broker.Settings, stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, reason) =>
        {
            closed.TrySetResult(reason.ReplyText);
            return Task.CompletedTask;
        };
        await channel.BasicQosAsync(0, (ushort)broker.Settings.Prefetch, global: false, stoppingToken);
        var deliveries = new Deliveries(this, channel);
        var consumerTag = await channel.BasicConsumeAsync(broker.Settings.Queue, autoAck: false, deliveries, stoppingToken);
        if (_brokerFailures > 0)
        {
            LogBrokerBack(logger, broker.Settings.Endpoint, _brokerFailures);
            _brokerFailures = 0;
        }
        try
        {
            var reason = await closed.Task.WaitAsync(stoppingToken);
            throw new InvalidOperationException($"The RabbitMQ channel closed: {reason}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await StopAsync(channel, consumerTag);
        }
    }

    /// <summary>No new deliveries; running attempts finish (or are released after the grace); then the channel closes.</summary>
    private async Task StopAsync(IChannel channel, string consumerTag)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CancelTimeout);
            await channel.BasicCancelAsync(consumerTag, noWait: false, timeout.Token);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            LogSettleFailed(logger, failure); // the channel is already gone: nothing more is delivered on it either
        }
        await Task.WhenAll(_running.Keys);
        // Messages prefetched but never started are unacknowledged: closing the channel gives them back to the queue.
        await channel.AbortAsync();
    }

    /// <summary>Runs <paramref name="work"/> in the background, remembered until it ends so that shutdown can wait for it.</summary>
    private void Track(Func<Task> work)
    {
        var task = Task.Run(work);
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task HandleAsync(Deliveries deliveries, ulong deliveryTag, Guid jobId)
    {
        try
        {
            await _slots.WaitAsync(_stopping);
        }
        catch (OperationCanceledException)
        {
            return; // stopping before it started: unacknowledged, so the closing channel requeues it
        }
        try
        {
            var (answered, job) = await TryClaimAsync(jobId);
            if (!answered)
            {
                await deliveries.SettleAsync(deliveryTag, Settlement.Requeue);
                return;
            }
            if (job is not null)
            {
                await runner.RunAsync(job, LeaseOwner, _abort.Token);
            }
            else
            {
                LogNotDue(logger, jobId);
            }
            await deliveries.SettleAsync(deliveryTag, Settlement.Ack);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // stopping while the database was away, or cut off at the end of the grace: unacknowledged, so the closing
            // channel requeues it (a job this worker had leased gets its lease back or lets it expire)
        }
        catch (Exception failure)
        {
            // Not expected (the runner records every handler failure itself). The job keeps its row: if this worker leased
            // it, the lease expires and the relay publishes it again.
            LogUnexpected(logger, jobId, failure);
            await deliveries.SettleAsync(deliveryTag, Settlement.Ack);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Claims the job: (true, the leased job), (true, null) when it is not due, or (false, null) when the database could not
    /// be asked — after waiting the backoff, so that the requeued message does not come straight back.
    /// </summary>
    private async Task<(bool Answered, Job? Job)> TryClaimAsync(Guid jobId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = DbSession.AllTenants; // the job then runs in its own tenant
            session.Operation = "jobs.claim_one";
            await session.BeginAsync(_abort.Token);
            var claimed = await session.QueryAsync(JobStore.ClaimOne(jobId, LeaseOwner, time.GetUtcNow(), settings.Lease), Job.Read, _abort.Token);
            await session.CommitAsync([], _abort.Token);
            Interlocked.Exchange(ref _databaseFailures, 0);
            return (true, claimed.SingleOrDefault());
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !_abort.IsCancellationRequested)
        {
            var failures = Interlocked.Increment(ref _databaseFailures);
            if (failures == 1)
            {
                LogClaimFailed(logger, failure);
            }
            await Task.Delay(JobRelay.Backoff(failures), _stopping);
            return (false, null);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Lost RabbitMQ at {Endpoint}: jobs wait in the outbox; reconnecting with backoff")]
    private static partial void LogBrokerLost(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RabbitMQ still unavailable to the consumer ({Failures} failed attempts)")]
    private static partial void LogStillLost(ILogger logger, int failures, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming jobs from RabbitMQ at {Endpoint} again after {Failures} failed attempt(s)")]
    private static partial void LogBrokerBack(ILogger logger, string endpoint, int failures);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} is not due (done, scheduled later or leased elsewhere): its signal is dropped")]
    private static partial void LogNotDue(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message on {Queue} (message id {MessageId}) names no job: rejected to the dead-letter queue")]
    private static partial void LogMalformed(ILogger logger, string queue, string? messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not claim a job from a RabbitMQ signal (database unreachable?); requeuing it after a delay")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not settle a RabbitMQ delivery; the broker will redeliver it")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling the signal of job {JobId} failed unexpectedly; the job stays in the table")]
    private static partial void LogUnexpected(ILogger logger, Guid jobId, Exception exception);
}
