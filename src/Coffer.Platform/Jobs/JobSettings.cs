using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Jobs;

/// <summary>How a job type retries: attempts, and the first backoff (doubled each attempt).</summary>
public sealed record JobTypeSettings(int MaxAttempts, TimeSpan FirstBackoff);

/// <summary>How jobs reach the workers: the database itself (polled, the embedded default) or RabbitMQ (production).</summary>
public enum JobTransport
{
    Database,
    RabbitMq,
}

/// <summary>
/// <c>Coffer:Jobs:*</c>: the transport, worker concurrency, polling, the lease (how long an attempt may run before another
/// worker may take the job), retries (the first attempt and 3 retries after 2 s, 4 s and 8 s ± 20 % by default;
/// per type under <c>Types:&lt;type&gt;</c>) and retention.
/// </summary>
public sealed record JobSettings(
    int Concurrency,
    TimeSpan PollInterval,
    TimeSpan Lease,
    JobTypeSettings Defaults,
    IReadOnlyDictionary<string, JobTypeSettings> Types,
    double JitterRatio,
    TimeSpan SucceededRetention,
    int SucceededKept,
    TimeSpan FailedRetention,
    TimeSpan ShutdownGrace,
    JobTransport Transport = JobTransport.Database)
{
    public const int MaxConcurrency = 64;

    /// <summary>The first attempt and three retries, after 2 s, 4 s and 8 s (± jitter).</summary>
    public const int DefaultMaxAttempts = 4;

    public JobTypeSettings For(string type) => Types.GetValueOrDefault(type) ?? Defaults;

    public static JobSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Coffer:Jobs");
        var defaults = new JobTypeSettings(
            section.GetValue("MaxAttempts", DefaultMaxAttempts),
            TimeSpan.FromSeconds(section.GetValue("FirstBackoffSeconds", 2.0)));
        var types = section.GetSection("Types").GetChildren().ToDictionary(
            child => child.Key,
            child => new JobTypeSettings(
                child.GetValue("MaxAttempts", defaults.MaxAttempts),
                TimeSpan.FromSeconds(child.GetValue("FirstBackoffSeconds", defaults.FirstBackoff.TotalSeconds))),
            StringComparer.Ordinal);
        var settings = new JobSettings(
            section.GetValue("Concurrency", 4),
            TimeSpan.FromMilliseconds(section.GetValue("PollMilliseconds", 500.0)),
            TimeSpan.FromSeconds(section.GetValue("LeaseSeconds", 60.0)),
            defaults,
            types,
            section.GetValue("JitterRatio", 0.2),
            TimeSpan.FromHours(section.GetValue("SucceededRetentionHours", 24.0)),
            section.GetValue("SucceededKept", 1000),
            TimeSpan.FromDays(section.GetValue("FailedRetentionDays", 7.0)),
            TimeSpan.FromSeconds(section.GetValue("ShutdownGraceSeconds", 20.0)),
            TransportOf(section["Transport"]));
        settings.Validate();
        return settings;
    }

    private static JobTransport TransportOf(string? value) => (value ?? "database").ToLowerInvariant() switch
    {
        "database" => JobTransport.Database,
        "rabbitmq" => JobTransport.RabbitMq,
        _ => throw new InvalidOperationException($"Coffer:Jobs:Transport must be database or rabbitmq, not '{value}'."),
    };

    private void Validate()
    {
        foreach (var (name, type) in Types.Append(new("default", Defaults)))
        {
            if (type.MaxAttempts is < 1 or > 25 || type.FirstBackoff < TimeSpan.Zero)
            {
                throw new InvalidOperationException($"Coffer:Jobs ({name}): MaxAttempts 1–25 and FirstBackoffSeconds ≥ 0 are required.");
            }
        }
        if (Concurrency is < 1 or > MaxConcurrency || PollInterval <= TimeSpan.Zero || Lease < TimeSpan.FromSeconds(1) || JitterRatio is < 0 or > 1
            || SucceededKept < 0 || SucceededRetention < TimeSpan.Zero || FailedRetention < TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"Coffer:Jobs: Concurrency 1–{MaxConcurrency}, PollMilliseconds > 0, LeaseSeconds ≥ 1, JitterRatio 0–1 and non-negative retention are required.");
        }
    }
}
