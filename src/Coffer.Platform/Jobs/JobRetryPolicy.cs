namespace Coffer.Platform.Jobs;

/// <summary>
/// When a failed attempt runs again: the type's first backoff doubled per attempt (2 s, 4 s, 8 s …) with ± jitter so that
/// jobs failing together do not retry together; null when the attempts are spent (the job is dead). Pure: the random
/// source is passed in.
/// </summary>
public static class JobRetryPolicy
{
    /// <summary>The longest any backoff grows, however many attempts a type allows.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public static TimeSpan? NextDelay(int attemptsMade, JobTypeSettings type, double jitterRatio, Random random)
    {
        if (attemptsMade >= type.MaxAttempts)
        {
            return null;
        }
        var exponent = Math.Min(attemptsMade - 1, 20);
        var baseSeconds = Math.Min(type.FirstBackoff.TotalSeconds * Math.Pow(2, exponent), MaxBackoff.TotalSeconds);
        var jitter = 1 + jitterRatio * (2 * random.NextDouble() - 1);
        return TimeSpan.FromSeconds(baseSeconds * jitter);
    }
}
