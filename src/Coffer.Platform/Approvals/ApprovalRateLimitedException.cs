namespace Coffer.Platform.Approvals;

/// <summary>
/// Thrown by <see cref="IApprovalGate.RequireAsync"/> when too many approval requests of the same inputs (tenant, operation,
/// inputs hash) are pending or recent. The caller's unit of work rolls back, and the platform's exception handler answers
/// 429 <c>approval_rate_limited</c> with <c>Retry-After</c>; a module need not catch it.
/// </summary>
public sealed class ApprovalRateLimitedException(string operation, TimeSpan retryAfter)
    : Exception($"Too many approval requests of these inputs for '{operation}'; retry after {retryAfter.TotalSeconds:0} s.")
{
    public string Operation { get; } = operation;
    public TimeSpan RetryAfter { get; } = retryAfter;
}
