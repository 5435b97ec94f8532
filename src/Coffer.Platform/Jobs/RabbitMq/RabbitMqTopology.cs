using RabbitMQ.Client;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>
/// The broker side of the transport, declared whenever the relay or the consumer opens a channel, so that a broker that
/// lost its definitions (or an operator who deleted the queue) gets them back (declarations are idempotent; a definition that
/// differs from an existing one fails loudly with PRECONDITION_FAILED rather than being changed behind an operator's
/// back):
/// <code>
/// exchange &lt;queue&gt; (direct, durable) ──&lt;queue&gt;──▶ queue &lt;queue&gt; (quorum; delivery limit 20)
///                                                          │ rejected, or delivered too often
///                                                          ▼
/// exchange &lt;queue&gt;.dlx (fanout, durable) ──────▶ queue &lt;queue&gt;.dead (quorum; newest 10,000 kept)
/// </code>
/// Quorum queues replicate and fsync before they confirm a publish, so a confirmed signal survives a broker crash.
/// </summary>
internal static class RabbitMqTopology
{
    public static async Task DeclareAsync(IConnection connection, RabbitMqSettings settings, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(settings.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(settings.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-max-length"] = RabbitMqSettings.DeadLetterMaxLength,
            },
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(settings.DeadLetterQueue, settings.DeadLetterExchange, routingKey: "", cancellationToken: cancellationToken);

        await channel.ExchangeDeclareAsync(settings.Exchange, ExchangeType.Direct, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(settings.Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-dead-letter-exchange"] = settings.DeadLetterExchange,
                ["x-delivery-limit"] = RabbitMqSettings.DeliveryLimit,
            },
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(settings.Queue, settings.Exchange, routingKey: settings.Queue, cancellationToken: cancellationToken);
        await channel.CloseAsync(cancellationToken);
    }
}
