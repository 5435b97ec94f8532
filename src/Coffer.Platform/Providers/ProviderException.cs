namespace Coffer.Platform.Providers;

/// <summary>How a provider call failed, which decides what its caller (a job handler) does next.</summary>
public enum ProviderFailureKind
{
    /// <summary>
    /// Temporary, or unknown whether it took effect: a timeout, a connection error, 408, 429, 5xx, or a success answer that
    /// could not be read. Retry later with the same reference; the provider answers a repeat from its idempotency record.
    /// </summary>
    Transient,

    /// <summary>The provider answered and said no (a 4xx other than 408 and 429): permanent for this request.</summary>
    Rejected,

    /// <summary>
    /// The provider's circuit is open: the (last) attempt was refused in process and never reached the provider.
    /// Retry after <see cref="ProviderException.RetryAfter"/>.
    /// </summary>
    Unavailable,
}

/// <summary>
/// A provider call that did not succeed. <see cref="Exception.Message"/> holds only what is safe to log (provider,
/// operation, kind, status, the provider's error code); the provider's own text is in <see cref="ProviderMessage"/>.
/// </summary>
public sealed class ProviderException(
    string provider,
    ProviderFailureKind kind,
    string message,
    int? statusCode = null,
    string? providerErrorCode = null,
    string? providerMessage = null,
    TimeSpan? retryAfter = null,
    Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>
    /// The provider's configured name: <c>payouts</c>, <c>payments</c>, <c>partners</c>, <c>email</c>, <c>shipping</c> or
    /// <c>storage</c>.
    /// </summary>
    public string Provider { get; } = provider;

    public ProviderFailureKind Kind { get; } = kind;

    /// <summary>The HTTP status of the provider's answer, when there was one.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>The <c>code</c> of the provider's error body, when it sent one (e.g. <c>account_closed</c>).</summary>
    public string? ProviderErrorCode { get; } = providerErrorCode;

    /// <summary>
    /// The <c>message</c> of the provider's error body. It may name the account, its holder or an email's recipient: do not
    /// log it.
    /// </summary>
    public string? ProviderMessage { get; } = providerMessage;

    /// <summary>When it makes sense to try again: the rest of the open circuit's break, or the provider's <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Whether the same request may succeed later (everything but <see cref="ProviderFailureKind.Rejected"/>).</summary>
    public bool IsRetryable => Kind != ProviderFailureKind.Rejected;
}
