using Coffer.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Jobs;

/// <summary>
/// Durable jobs: enqueued in the transaction of the change that causes them (<see cref="JobQueue"/>), claimed under a lease
/// by workers (in <c>serve</c>, or <c>serve --role worker</c>), retried with backoff, dead after the last attempt.
/// </summary>
public static class JobsSetup
{
    public static IServiceCollection AddCofferJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(JobSettings.FromConfiguration(configuration));
        services.AddSingleton<JobHandlerRegistry>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<JobRunner>();
        services.AddScoped<JobQueue>();
        if (ServerRoles.RunsWorkers(configuration))
        {
            services.AddHostedService<DatabaseJobWorker>();
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
