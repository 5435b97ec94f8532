using System.Text;
using RabbitMQ.Client;

namespace Coffer.Platform.Tests.Jobs.RabbitMq;

/// <summary>
/// A job queue of one test on a broker: its own name (so parallel tests never share a queue, its exchange or its
/// dead-letter pair), the server settings that select it, a side channel for looking at it from outside, and deletion of
/// all four when the test ends (dispose it after the servers that use it).
/// </summary>
internal sealed class RabbitMqTestQueue(string uri) : IAsyncDisposable
{
    public string Name { get; } = $"coffer.test.{Guid.NewGuid():N}";
    public string DeadLetterQueue => Name + ".dead";

    /// <summary>Settings of a server on the RabbitMQ transport with this queue, polling its outbox every 50 ms.</summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Coffer:Jobs:Transport"] = "rabbitmq",
            ["Coffer:RabbitMq:Uri"] = uri,
            ["Coffer:RabbitMq:Queue"] = Name,
            ["Coffer:Jobs:PollMilliseconds"] = "50",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Messages ready in <paramref name="queue"/> and the consumers attached to it.</summary>
    public async Task<(uint Messages, uint Consumers)> CountAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var declared = await channel.QueueDeclarePassiveAsync(queue);
        return (declared.MessageCount, declared.ConsumerCount);
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the job queue's counts; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<(uint Messages, uint Consumers), bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var counts = await CountAsync(Name);
            if (condition(counts))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Queue {Name} never had {what}; last seen {counts}.");
            await Task.Delay(50);
        }
    }

    /// <summary>Publishes <paramref name="body"/> as the relay would (same exchange, routing key and persistence), confirmed.</summary>
    public async Task PublishAsync(string body)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.BasicPublishAsync(Name, Name, mandatory: true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Takes every message now in <paramref name="queue"/> (acknowledged, so they are gone).</summary>
    public async Task<List<BasicGetResult>> DrainAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<BasicGetResult>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            messages.Add(message);
        }
        return messages;
    }

    private Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(uri), AutomaticRecoveryEnabled = false }.CreateConnectionAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var connection = await ConnectAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(Name, ifUnused: false, ifEmpty: false);
            await channel.QueueDeleteAsync(DeadLetterQueue, ifUnused: false, ifEmpty: false);
            await channel.ExchangeDeleteAsync(Name, ifUnused: false);
            await channel.ExchangeDeleteAsync(Name + ".dlx", ifUnused: false);
        }
        catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            // a throwaway broker already gone takes its queues with it
        }
    }
}
