using Coffer.Platform.Jobs.RabbitMq;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Coffer.Platform.Health;

/// <summary>
/// RabbitMQ, when it is the job transport: the broker answers and the job queue exists (with its depth, its consumers and
/// the dead-letter queue's depth). Unreachable is <em>degraded</em>, not unhealthy: requests still commit their jobs to
/// the outbox, which the relay publishes when the broker returns, so the instance must stay in the load balancer.
/// </summary>
internal sealed class RabbitMqHealthCheck(RabbitMqConnection broker) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = broker.Settings;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            var connection = await broker.GetAsync(deadline.Token);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: deadline.Token);
            var queue = await channel.QueueDeclarePassiveAsync(settings.Queue, deadline.Token);
            var dead = await channel.QueueDeclarePassiveAsync(settings.DeadLetterQueue, deadline.Token);
            await channel.CloseAsync(deadline.Token);
            return HealthCheckResult.Healthy("RabbitMQ answers.", new Dictionary<string, object>
            {
                ["endpoint"] = settings.Endpoint,
                ["queue"] = settings.Queue,
                ["messages"] = queue.MessageCount,
                ["consumers"] = queue.ConsumerCount,
                ["deadLettered"] = dead.MessageCount,
            });
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded(
                "RabbitMQ does not answer (or the job queue is missing): jobs wait in the outbox and flow when it returns.", failure,
                new Dictionary<string, object> { ["endpoint"] = settings.Endpoint, ["queue"] = settings.Queue });
        }
    }
}
