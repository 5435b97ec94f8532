using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Coffer.Platform.Providers;

/// <summary>
/// One provider's circuit breaker — or, for a provider with one circuit per counterpart (the investment partners),
/// one counterpart's, named by <c>key</c> in its log lines: it opens after exactly <see cref="ProviderSettings.BreakAfterConsecutiveFailures"/>
/// failed attempts in a row, refuses calls for <see cref="ProviderSettings.BreakDuration"/>, then lets one probe through
/// (its failure re-opens the circuit, an answer closes it).
/// </summary>
/// <remarks>
/// Polly 8's breaker opens on a failure <em>ratio</em> over a sampling window; it has no consecutive count. Its usual
/// approximation (ratio 1.0, minimum throughput N) differs from "N in a row" in both directions: one success anywhere in
/// the window keeps the circuit closed however many failures follow, and failures spaced wider than the window never add
/// up — the slow, low-traffic outage a payout provider most often has. So this class counts instead and Polly keeps only
/// its state machine (open, half-open probe, <see cref="BrokenCircuitException"/>, events): the breaker's predicate
/// reports an attempt as a handled failure only once it is the N-th failure in a row, and the breaker opens on the first
/// handled failure (ratio 0, with the two-sample minimum Polly insists on met by the N−1 failures before it; hence
/// N ≥ 2). The count is reset by any answer from the provider that is not a transient failure — a success or a
/// rejection proves it is up — and is left alone by attempts that end otherwise (the caller cancelled). Attempts are
/// counted, not calls: the breaker sits inside the retry, so one call with two retries is three attempts.
/// </remarks>
internal sealed partial class ProviderCircuit(ProviderSettings settings, ILogger<ProviderCircuit> logger, string? key = null)
{
    private int _consecutiveFailures;
    private int _state = (int)CircuitState.Closed;

    public string Provider => settings.Name;

    /// <summary>The counterpart this circuit is for (a partner's id), or null for the provider's only circuit.</summary>
    public string? Key => key;

    /// <summary>Failed attempts since the provider last answered.</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>The state as of the breaker's last transition (Polly moves from open to half-open on the first call after the break).</summary>
    public CircuitState State => (CircuitState)Volatile.Read(ref _state);

    /// <summary>The breaker's options, bound to this circuit's count and state. Polly builds one breaker per provider from them.</summary>
    public HttpCircuitBreakerStrategyOptions BreakerOptions() => new()
    {
        Name = "circuit",
        FailureRatio = 0,
        MinimumThroughput = 2,
        SamplingDuration = TimeSpan.FromDays(1),
        BreakDuration = settings.BreakDuration,
        ShouldHandle = args => ValueTask.FromResult(Record(args.Outcome)),
        OnOpened = args =>
        {
            Volatile.Write(ref _state, (int)CircuitState.Open);
            if (key is null)
            {
                LogOpened(logger, Provider, ConsecutiveFailures, args.BreakDuration.TotalSeconds);
            }
            else
            {
                LogKeyedOpened(logger, Provider, key, ConsecutiveFailures, args.BreakDuration.TotalSeconds);
            }
            return default;
        },
        OnHalfOpened = _ =>
        {
            Volatile.Write(ref _state, (int)CircuitState.HalfOpen);
            if (key is null)
            {
                LogHalfOpened(logger, Provider);
            }
            else
            {
                LogKeyedHalfOpened(logger, Provider, key);
            }
            return default;
        },
        OnClosed = _ =>
        {
            Volatile.Write(ref _state, (int)CircuitState.Closed);
            if (key is null)
            {
                LogClosed(logger, Provider);
            }
            else
            {
                LogKeyedClosed(logger, Provider, key);
            }
            return default;
        },
    };

    /// <summary>Counts one attempt's outcome; true when it is the failure that (re)opens the circuit.</summary>
    internal bool Record(Outcome<HttpResponseMessage> outcome)
    {
        if (ProviderResilience.IsTransient(outcome))
        {
            var failures = Interlocked.Increment(ref _consecutiveFailures);
            // Past the closed state every failure counts as handled, so a failed probe re-opens the circuit even when a
            // late answer (to an attempt sent before the circuit opened) has reset the count meanwhile.
            return failures >= settings.BreakAfterConsecutiveFailures || State != CircuitState.Closed;
        }
        if (outcome.Result is not null)
        {
            Interlocked.Exchange(ref _consecutiveFailures, 0);
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Provider {Provider} circuit opened after {ConsecutiveFailures} failed attempts in a row: calls are refused for {BreakSeconds} s")]
    private static partial void LogOpened(ILogger logger, string provider, int consecutiveFailures, double breakSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} circuit half-open: one probe call goes through")]
    private static partial void LogHalfOpened(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} circuit closed: calls reach the provider again")]
    private static partial void LogClosed(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Provider {Provider} circuit of {CircuitKey} opened after {ConsecutiveFailures} failed attempts in a row: calls are refused for {BreakSeconds} s")]
    private static partial void LogKeyedOpened(ILogger logger, string provider, string circuitKey, int consecutiveFailures, double breakSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} circuit of {CircuitKey} half-open: one probe call goes through")]
    private static partial void LogKeyedHalfOpened(ILogger logger, string provider, string circuitKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} circuit of {CircuitKey} closed: calls reach it again")]
    private static partial void LogKeyedClosed(ILogger logger, string provider, string circuitKey);
}
