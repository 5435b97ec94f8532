using RabbitMQ.Client;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>How the consumer receives messages and settles them (ack, requeue, reject) on the channel they came on.</summary>
internal sealed partial class RabbitMqJobConsumer
{
    private enum Settlement
    {
        Ack,
        Requeue,
        Reject,
    }

    /// <summary>The deliveries of one channel: acknowledged on that channel only, one settlement at a time.</summary>
    private sealed class Deliveries(RabbitMqJobConsumer owner, IChannel channel) : AsyncDefaultBasicConsumer(channel)
    {
        private readonly SemaphoreSlim _settling = new(1, 1);

        public override Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange,
            string routingKey, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        {
            // The body is only valid during this call: read it now.
            if (!JobMessage.TryRead(body.Span, out var jobId))
            {
                LogMalformed(owner.Logger, owner.Queue, properties.MessageId);
                return SettleAsync(deliveryTag, Settlement.Reject);
            }
            owner.Track(() => owner.HandleAsync(this, deliveryTag, jobId));
            return Task.CompletedTask;
        }

        public async Task SettleAsync(ulong deliveryTag, Settlement settlement)
        {
            await _settling.WaitAsync();
            try
            {
                var settled = settlement switch
                {
                    Settlement.Ack => Channel.BasicAckAsync(deliveryTag, multiple: false),
                    Settlement.Requeue => Channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true),
                    _ => Channel.BasicRejectAsync(deliveryTag, requeue: false),
                };
                await settled;
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                // The channel closed under this delivery: the broker redelivers the message, and the next claim sees the
                // job's true state.
                LogSettleFailed(owner.Logger, failure);
            }
            finally
            {
                _settling.Release();
            }
        }
    }
}
