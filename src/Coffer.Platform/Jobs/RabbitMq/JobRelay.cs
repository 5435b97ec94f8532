using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>
/// Moves due jobs from the outbox (the <c>jobs</c> table) to RabbitMQ, in batches of at most <see cref="BatchSize"/>:
/// <list type="number">
/// <item>stamps the batch <c>dispatched_at</c> in a short transaction of its own (PostgreSQL skips rows another relay is
/// stamping, so two workers never publish one job at once);</item>
/// <item>publishes one persistent signal per job and waits for the broker's confirms;</item>
/// <item>clears the stamp of every job the broker did not confirm, so the next round publishes it again.</item>
/// </list>
/// Stamping before publishing keeps the transaction (and, on SQLite, the process's single writer) free while the broker
/// is asked; the price is a crash between the stamp and the publish, which leaves a stamp without a message. That job is
/// not stranded, for the same reason as a lost message: a job still due a lease after its stamp is published again
/// (<see cref="JobStore.MarkDispatched"/>). A signal can be lost in a few ways — a crash between stamp and publish, a
/// queue purged or deleted by hand, a message dead-lettered after <see cref="RabbitMqSettings.DeliveryLimit"/>
/// deliveries, a consumer that found the job leased to a worker that then died — and in every one the job stays due in
/// its row, so republishing after a lease brings it back. Duplicates are harmless: a consumer claims the job in the
/// database before it runs it, so a second signal finds it no longer due (or leased) and is dropped, and handlers are
/// idempotent with their effect committed under the lease. The cost of the rule is a second signal for a job that
/// waited behind a backlog longer than a lease, dropped by one claim.
/// <para>Woken at once by jobs this process commits, otherwise it polls. When the broker is unreachable the jobs stay in
/// the outbox: the relay logs once per outage, backs off (1 s doubling to 15 s, ignoring wake-ups) and publishes them all
/// when the broker returns.</para>
/// </summary>
internal sealed partial class JobRelay(
    IServiceScopeFactory scopes, RabbitMqConnection broker, JobSettings settings, JobSignal signal, TimeProvider time, ILogger<JobRelay> logger)
    : BackgroundService
{
    public const int BatchSize = 100;
    public static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    private ConfirmingPublisher? _publisher;
    private int _brokerFailures;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var databaseFailures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var round = await RelayOnceAsync(stoppingToken);
                databaseFailures = round == Round.DatabaseFailed ? databaseFailures + 1 : 0;
                switch (round)
                {
                    case Round.Full:
                        continue; // more may be waiting right now
                    case Round.BrokerFailed:
                        await Task.Delay(Backoff(_brokerFailures), stoppingToken);
                        break;
                    case Round.DatabaseFailed:
                        await signal.WaitAsync(Backoff(databaseFailures), stoppingToken);
                        break;
                    default:
                        await signal.WaitAsync(settings.PollInterval, stoppingToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: jobs not yet published stay in the outbox for the next relay
        }
        finally
        {
            if (_publisher is not null)
            {
                await _publisher.DisposeAsync();
            }
        }
    }

    internal static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(15, Math.Pow(2, Math.Max(0, failures - 1))));

    private enum Round
    {
        Idle,
        Partial,
        Full,
        BrokerFailed,
        DatabaseFailed,
    }

    private async Task<Round> RelayOnceAsync(CancellationToken stoppingToken)
    {
        // Connect before stamping anything, so that an unreachable broker leaves the outbox untouched.
        if (!await EnsurePublisherAsync(stoppingToken))
        {
            return Round.BrokerFailed;
        }
        var now = time.GetUtcNow();
        var mark = TruncateToMilliseconds(now);
        var batch = await StampAsync(now, mark, stoppingToken);
        if (batch is null)
        {
            return Round.DatabaseFailed;
        }
        if (batch.Count == 0)
        {
            return Round.Idle;
        }
        var (confirmed, failure) = await _publisher!.PublishAsync(batch, ConfirmTimeout, stoppingToken);
        if (confirmed.Count < batch.Count)
        {
            var confirmedIds = confirmed.ToHashSet();
            await UnstampAsync(batch.Select(j => j.Id).Where(id => !confirmedIds.Contains(id)).ToList(), mark);
        }
        if (failure is OperationCanceledException && stoppingToken.IsCancellationRequested)
        {
            return Round.Idle; // shutting down mid-batch: the unconfirmed are back in the outbox
        }
        if (failure is not null)
        {
            await DropPublisherAsync();
            BrokerFailed(failure);
            return Round.BrokerFailed;
        }
        if (confirmed.Count < batch.Count)
        {
            // Nacked, or returned as unroutable (someone deleted the queue): a new channel declares the topology again.
            await DropPublisherAsync();
            LogUnconfirmed(logger, batch.Count - confirmed.Count, batch.Count);
            _brokerFailures++;
            return Round.BrokerFailed;
        }
        BrokerAnswered();
        return batch.Count == BatchSize ? Round.Full : Round.Partial;
    }

    /// <summary>
    /// Whole milliseconds: the stamp is compared for equality when it is cleared, and PostgreSQL keeps microseconds where
    /// .NET has ticks.
    /// </summary>
    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset value) =>
        new(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, value.Offset);

    private async Task<bool> EnsurePublisherAsync(CancellationToken stoppingToken)
    {
        if (_publisher is { IsOpen: true })
        {
            return true;
        }
        await DropPublisherAsync();
        try
        {
            _publisher = await ConfirmingPublisher.OpenAsync(broker, stoppingToken);
            return true;
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            BrokerFailed(failure);
            return false;
        }
    }

    private async Task DropPublisherAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
            _publisher = null;
        }
    }

    private void BrokerFailed(Exception failure)
    {
        if (_brokerFailures++ == 0)
        {
            LogBrokerUnreachable(logger, broker.Settings.Endpoint, failure);
        }
        else
        {
            LogStillUnreachable(logger, _brokerFailures, failure);
        }
    }

    private void BrokerAnswered()
    {
        if (_brokerFailures > 0)
        {
            LogBrokerBack(logger, broker.Settings.Endpoint, _brokerFailures);
            _brokerFailures = 0;
        }
    }

    /// <summary>Stamps up to <see cref="BatchSize"/> waiting jobs; null when the database could not be asked.</summary>
    private async Task<List<(Guid Id, string Type)>?> StampAsync(DateTimeOffset now, DateTimeOffset mark, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = Session(scope, "jobs.dispatch");
            await session.BeginAsync(stoppingToken);
            var batch = await session.QueryAsync(
                JobStore.MarkDispatched(session.Provider, mark, now, now - settings.Lease, BatchSize),
                r => (r.GetGuid(0), r.GetString(1)), stoppingToken);
            await session.CommitAsync([], stoppingToken);
            return batch;
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogDatabaseFailed(logger, failure);
            return null;
        }
    }

    /// <summary>Puts unconfirmed jobs back in the outbox; if even that fails, their stamp goes stale and they are published again.</summary>
    private async Task UnstampAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset mark)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = Session(scope, "jobs.undispatch");
            await session.BeginAsync(CancellationToken.None);
            await session.CommitAsync([JobStore.Undispatch(session.Provider, ids, mark)], CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogDatabaseFailed(logger, failure);
        }
    }

    private static DbSession Session(AsyncServiceScope scope, string operation)
    {
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants; // every tenant's jobs
        session.Operation = operation;
        return session;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "RabbitMQ at {Endpoint} is unreachable: jobs wait in the outbox and flow when it returns (retrying with backoff)")]
    private static partial void LogBrokerUnreachable(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RabbitMQ still unreachable to the relay ({Failures} failed attempts)")]
    private static partial void LogStillUnreachable(ILogger logger, int failures, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "RabbitMQ at {Endpoint} answers again after {Failures} failed attempt(s); publishing the outbox")]
    private static partial void LogBrokerBack(ILogger logger, string endpoint, int failures);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "RabbitMQ did not confirm {Unconfirmed} of {Published} job signals (nacked or unroutable); they stay in the outbox")]
    private static partial void LogUnconfirmed(ILogger logger, int unconfirmed, int published);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job relay could not reach the database; retrying with backoff")]
    private static partial void LogDatabaseFailed(ILogger logger, Exception exception);
}
