using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Coffer.Platform.Providers;

/// <summary>
/// The resilience pipeline around every provider attempt, outermost first: total timeout → retry → circuit breaker →
/// attempt timeout. The breaker sits inside the retry, so it sees (and counts) every attempt, and a retry stops at an
/// open circuit instead of waiting out its backoff against it.
/// </summary>
internal static class ProviderResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ProviderSettings settings, ProviderCircuit circuit)
    {
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total-timeout", Timeout = settings.TotalTimeout });
        if (settings.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                // A provider's Retry-After may be longer than this call may take; the caller sees it on the exception instead.
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            });
        }
        pipeline.AddCircuitBreaker(circuit.BreakerOptions());
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt-timeout", Timeout = settings.AttemptTimeout });
    }

    /// <summary>
    /// A failure worth another attempt: no answer (connection error, attempt timed out) or an answer that says "later"
    /// (408, 429, 5xx). Everything else — success, a 4xx refusal, the caller's cancellation, an open circuit — is not.
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => IsTransientStatus(response.StatusCode),
        _ => false,
    };

    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
