using Coffer.Chaos.Dependencies;

namespace Coffer.Chaos.Cluster;

/// <summary>The configuration both servers of the chaos cluster run with (as environment variables).</summary>
internal static class ClusterSettings
{
    /// <summary>
    /// The production profile on the harness's own services, with time limits shortened so that a fault's consequences (a
    /// lost lease, a payout retried to death) play out within a run: a provider attempt gives up after 1 s, a job's lease after
    /// 10 s, retries start after 1 s, an unpaid order's reservation after 30 s. Rate limits are lifted: the harness's few principals send thousands of requests.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> For(ChaosDependencies dependencies, Uri providerUrl, string dataDirectory, string dataKey) =>
        new Dictionary<string, string?>
        {
            ["Coffer:DataDirectory"] = dataDirectory,
            ["Coffer:Database:Provider"] = "postgres",
            ["ConnectionStrings:Coffer"] = dependencies.AppConnectionString,
            ["ConnectionStrings:CofferMigrations"] = dependencies.OwnerConnectionString,
            ["Coffer:Redis:ConnectionString"] = dependencies.Redis.ConnectionString,
            ["Coffer:Jobs:Transport"] = "rabbitmq",
            ["Coffer:RabbitMq:Uri"] = dependencies.RabbitMq.Uri,
            ["Coffer:Jobs:LeaseSeconds"] = "10",
            ["Coffer:Jobs:FirstBackoffSeconds"] = "1",
            ["Coffer:Jobs:PollMilliseconds"] = "250",
            ["Coffer:Jobs:ShutdownGraceSeconds"] = "5",
            ["Coffer:Providers:Payouts:BaseUrl"] = providerUrl.ToString(),
            ["Coffer:Providers:Payouts:AttemptTimeoutSeconds"] = "1",
            ["Coffer:Providers:Payouts:TotalTimeoutSeconds"] = "4",
            ["Coffer:Providers:Payouts:MaxRetries"] = "1",
            ["Coffer:Providers:Payouts:RetryBaseDelayMilliseconds"] = "200",
            ["Coffer:Providers:Payouts:BreakSeconds"] = "2",
            ["Coffer:Protection:Keys:1"] = dataKey,
            // The shortest reservation, so that an order whose capture a fault delays past it expires (its stock released,
            // its hold voided) and races the capture job.
            ["Coffer:Commerce:ReservationSeconds"] = "30",
            ["Coffer:Commerce:ReservationSweepSeconds"] = "2",
            ["Coffer:RateLimits:Policies:writes:Permits"] = "100000000",
            ["Coffer:RateLimits:Policies:reads:Permits"] = "100000000",
            ["Coffer:RateLimits:Policies:admin:Permits"] = "100000000",
            ["Coffer:RateLimits:Policies:investment-products:Permits"] = "100000000",
            ["Coffer:RateLimits:Policies:investments:Permits"] = "100000000",
            ["Coffer:RateLimits:Policies:investment-execute:Permits"] = "100000000",
            ["Coffer:RateLimits:Policies:dividends:Permits"] = "100000000",
            // Every payout would log four lines of HttpClient and Polly information; the servers' output (kept up to 2 MB
            // each for a post-mortem) should hold the run's warnings and errors instead.
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            ["Logging:LogLevel:Polly"] = "Warning",
        };
}
