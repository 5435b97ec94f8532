using Coffer.Platform.Health;
using Coffer.Platform.Hosting;
using Coffer.Platform.Jobs.RabbitMq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Jobs;

/// <summary>
/// Durable jobs: enqueued in the transaction of the change that causes them (<see cref="JobQueue"/>), claimed under a lease
/// by workers (in <c>serve</c>, or <c>serve --role worker</c>), retried with backoff, dead after the last attempt. The
/// transport (<c>Coffer:Jobs:Transport</c>) decides how workers learn of due jobs: by polling the table (<c>database</c>,
/// the default) or from RabbitMQ (<c>rabbitmq</c>: a relay publishes the outbox, consumers claim what the messages name).
/// </summary>
public static class JobsSetup
{
    public static IServiceCollection AddCofferJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = JobSettings.FromConfiguration(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<JobHandlerRegistry>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<JobRunner>();
        services.AddScoped<JobQueue>();
        if (settings.Transport == JobTransport.RabbitMq)
        {
            // Read now, so that a missing or malformed URI stops the process at start-up.
            services.AddSingleton(RabbitMqSettings.FromConfiguration(configuration, settings));
            services.AddSingleton<RabbitMqConnection>();
            services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: [HealthEndpoints.ReadyTag]);
        }
        if (ServerRoles.RunsWorkers(configuration))
        {
            if (settings.Transport == JobTransport.RabbitMq)
            {
                // Hosted services stop in reverse order: the relay stops before the consumer gives its running attempts'
                // leases back, so a job released at shutdown stays in the outbox for the next worker instead of being
                // published again by this one's relay on its way out.
                services.AddHostedService<RabbitMqJobConsumer>();
                services.AddHostedService<JobRelay>();
            }
            else
            {
                services.AddHostedService<DatabaseJobWorker>();
            }
            services.AddHostedService<JobHousekeeping>();
        }
        return services;
    }

    /// <summary>Registers <typeparamref name="THandler"/> (scoped: one per attempt) for jobs of <paramref name="jobType"/>.</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services, string jobType)
        where THandler : class, IJobHandler
    {
        if (string.IsNullOrWhiteSpace(jobType) || jobType.Length > 64)
        {
            throw new ArgumentException("A job type is 1 to 64 characters.", nameof(jobType));
        }
        services.AddScoped<THandler>();
        return services.AddSingleton(new JobHandlerRegistration(jobType, typeof(THandler)));
    }
}
