using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>
/// One channel in publisher-confirm mode, used by the relay alone: it publishes a batch of job signals back to back and
/// then waits for the broker's confirms. The confirms are tracked here rather than by the client library, whose
/// tracking makes every publish wait for its own confirm (one round trip per message) unless publishes run concurrently
/// on one channel. A signal counts as confirmed only when the broker acked it and did not return it as unroutable
/// (<c>mandatory</c>: a missing queue must not swallow it). After any failure the publisher is broken and must be
/// disposed: its sequence numbers no longer tell which message was which.
/// </summary>
internal sealed class ConfirmingPublisher : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly RabbitMqSettings _settings;
    private readonly object _lock = new();
    private readonly SortedDictionary<ulong, TaskCompletionSource<bool>> _pending = [];
    private readonly HashSet<Guid> _returned = [];

    private ConfirmingPublisher(IChannel channel, RabbitMqSettings settings)
    {
        _channel = channel;
        _settings = settings;
        channel.BasicAcksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, acked: true);
        channel.BasicNacksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, acked: false);
        // A channel that closes confirms nothing more: whatever is still pending failed.
        channel.BasicReturnAsync += (_, e) =>
        {
            // The broker returns an unroutable message before it acks it.
            if (Guid.TryParse(e.BasicProperties.MessageId, out var jobId))
            {
                lock (_lock)
                {
                    _returned.Add(jobId);
                }
            }
            return Task.CompletedTask;
        };
        channel.ChannelShutdownAsync += (_, _) => Settle(ulong.MaxValue, multiple: true, acked: false);
    }

    public bool IsOpen => _channel.IsOpen;

    /// <summary>Declares the topology (it may have been deleted since) and opens a channel in confirm mode.</summary>
    public static async Task<ConfirmingPublisher> OpenAsync(RabbitMqConnection broker, CancellationToken cancellationToken)
    {
        var connection = await broker.GetAsync(cancellationToken);
        await RabbitMqTopology.DeclareAsync(connection, broker.Settings, cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false),
            cancellationToken);
        return new ConfirmingPublisher(channel, broker.Settings);
    }

    /// <summary>
    /// Publishes one persistent signal per job and waits up to <paramref name="timeout"/> for the confirms. Returns the jobs
    /// whose signal the broker confirmed, and the failure that stopped the batch, if any (then the rest are unconfirmed).
    /// </summary>
    public async Task<(IReadOnlyList<Guid> Confirmed, Exception? Failure)> PublishAsync(
        IReadOnlyList<(Guid Id, string Type)> jobs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _returned.Clear();
        }
        var sent = new List<(Guid Id, Task<bool> Confirmed)>(jobs.Count);
        Exception? failure = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            foreach (var (id, type) in jobs)
            {
                var confirmed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                // One publisher per channel: nothing else takes a sequence number between these two calls.
                var sequence = await _channel.GetNextPublishSequenceNumberAsync(deadline.Token);
                lock (_lock)
                {
                    _pending[sequence] = confirmed;
                }
                var properties = new BasicProperties
                {
                    Persistent = true,
                    MessageId = id.ToString(),
                    Type = type,
                    ContentType = JobMessage.ContentType,
                    AppId = "coffer",
                };
                await _channel.BasicPublishAsync(_settings.Exchange, _settings.Queue, mandatory: true, properties, JobMessage.Write(id),
                    deadline.Token);
                sent.Add((id, confirmed.Task));
            }
            await Task.WhenAll(sent.Select(s => s.Confirmed)).WaitAsync(deadline.Token);
        }
        catch (Exception publishFailure) when (publishFailure is not OutOfMemoryException)
        {
            failure = publishFailure;
        }
        lock (_lock)
        {
            var confirmed = sent
                .Where(s => s.Confirmed.IsCompletedSuccessfully && s.Confirmed.Result && !_returned.Contains(s.Id))
                .Select(s => s.Id)
                .ToList();
            return (confirmed, failure);
        }
    }

    /// <summary>Completes the confirmation of <paramref name="sequence"/> (and of every earlier one when <paramref name="multiple"/>).</summary>
    private Task Settle(ulong sequence, bool multiple, bool acked)
    {
        lock (_lock)
        {
            var settled = multiple ? _pending.Keys.TakeWhile(k => k <= sequence).ToList() : [sequence];
            foreach (var key in settled)
            {
                if (_pending.Remove(key, out var confirmation))
                {
                    confirmation.TrySetResult(acked);
                }
            }
        }
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Settle(ulong.MaxValue, multiple: true, acked: false);
        await _channel.AbortAsync(); // a close that ignores a channel or connection already gone
        await _channel.DisposeAsync();
    }
}
