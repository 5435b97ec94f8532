using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>
/// <c>Coffer:RabbitMq:*</c>, read when <c>Coffer:Jobs:Transport</c> is <c>rabbitmq</c>: the broker's <see cref="Uri"/>
/// (required; it carries the credentials, so it comes from a secret and is never logged), the <see cref="Queue"/> name
/// (default <c>coffer.jobs</c>), which also names the exchange and the dead-letter pair, and the consumer
/// <see cref="Prefetch"/> (default: the jobs' concurrency). A class rather than a record, so that no generated
/// <c>ToString</c> ever prints the URI.
/// </summary>
public sealed partial class RabbitMqSettings(Uri uri, string queue, int prefetch)
{
    public const string UriKey = "Coffer:RabbitMq:Uri";
    public const string DefaultQueue = "coffer.jobs";
    public const int MaxPrefetch = 1000;

    /// <summary>
    /// Deliveries of one message before the quorum queue dead-letters it. Only a consumer that cannot reach the database
    /// requeues a message, so this bounds how long a signal circles during a database outage; the job itself is safe in
    /// the table and is published again once its signal is stale.
    /// </summary>
    public const int DeliveryLimit = 20;

    /// <summary>The dead-letter queue keeps the newest messages up to this many (it is a diagnostic, not the truth).</summary>
    public const int DeadLetterMaxLength = 10_000;

    public Uri Uri { get; } = uri;
    public string Queue { get; } = queue;
    public int Prefetch { get; } = prefetch;

    /// <summary>The direct exchange the relay publishes to, routing key <see cref="Queue"/>.</summary>
    public string Exchange => Queue;

    /// <summary>The fanout exchange the queue dead-letters to.</summary>
    public string DeadLetterExchange => Queue + ".dlx";

    public string DeadLetterQueue => Queue + ".dead";

    /// <summary>Host, port and virtual host: what logs and health data may say about the broker (no credentials).</summary>
    public string Endpoint => $"{Uri.Host}:{(Uri.Port > 0 ? Uri.Port : Uri.Scheme == "amqps" ? 5671 : 5672)}{Uri.AbsolutePath}";

    public static RabbitMqSettings FromConfiguration(IConfiguration configuration, JobSettings jobs)
    {
        var section = configuration.GetSection("Coffer:RabbitMq");
        var text = section["Uri"];
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException(
                $"{UriKey} (amqp://user:password@host:5672/vhost) is required when Coffer:Jobs:Transport is rabbitmq.");
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
        {
            // The value is not echoed: it may hold a password.
            throw new InvalidOperationException($"{UriKey} must be an absolute amqp:// or amqps:// URI with a host.");
        }
        var queue = section["Queue"] ?? DefaultQueue;
        if (!QueueName().IsMatch(queue))
        {
            throw new InvalidOperationException(
                $"Coffer:RabbitMq:Queue must be 1–200 letters, digits, '.', '_' or '-', not '{queue}'.");
        }
        var prefetch = section.GetValue("Prefetch", jobs.Concurrency);
        if (prefetch is < 1 or > MaxPrefetch)
        {
            throw new InvalidOperationException($"Coffer:RabbitMq:Prefetch must be 1–{MaxPrefetch}, not {prefetch}.");
        }
        return new RabbitMqSettings(uri, queue, prefetch);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex QueueName();
}
