namespace Coffer.Platform.Idempotency;

/// <summary>
/// The stored outcome of one idempotent request, keyed by (tenant, subject, key). Written in the same
/// transaction as the request's effect, so a committed effect always has its response stored.
/// A row whose <see cref="ResponseStatus"/> is null exists only inside an uncommitted transaction.
/// </summary>
public sealed class IdempotencyRecord
{
    public required string TenantId { get; set; }
    public required string Subject { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public int? ResponseStatus { get; set; }
    public string? ResponseContentType { get; set; }
    public string? ResponseLocation { get; set; }
    public string? ResponseBody { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
