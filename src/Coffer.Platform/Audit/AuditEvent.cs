using System.Data.Common;

namespace Coffer.Platform.Audit;

/// <summary>
/// One row of the immutable audit trail: who did what to which resource, from where, with redacted snapshots of the
/// resource before and after. <see cref="Hash"/> chains it to <see cref="PreviousHash"/>, the hash of the event before
/// it in the same chain (<see cref="AuditHashing"/>).
/// </summary>
public sealed class AuditEvent
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string ChainId { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public required string Actor { get; set; }
    public required string ActorType { get; set; }
    public required string Action { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public string? RequestId { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }

    internal const string Columns =
        "id, tenant_id, chain_id, sequence, occurred_at, actor, actor_type, action, resource_type, resource_id, "
        + "request_id, ip_address, user_agent, before, after, previous_hash, hash";

    internal static AuditEvent Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        ChainId = r.GetString(2),
        Sequence = r.GetInt64(3),
        OccurredAt = r.GetFieldValue<DateTimeOffset>(4),
        Actor = r.GetString(5),
        ActorType = r.GetString(6),
        Action = r.GetString(7),
        ResourceType = r.GetString(8),
        ResourceId = r.GetString(9),
        RequestId = r.IsDBNull(10) ? null : r.GetString(10),
        IpAddress = r.IsDBNull(11) ? null : r.GetString(11),
        UserAgent = r.IsDBNull(12) ? null : r.GetString(12),
        Before = r.IsDBNull(13) ? null : r.GetString(13),
        After = r.IsDBNull(14) ? null : r.GetString(14),
        PreviousHash = r.GetString(15),
        Hash = r.GetString(16),
    };
}

/// <summary>
/// The head of one hash chain: how long it is and the hash of its last event. Writers are spread over
/// <see cref="AuditTrail.StripesPerTenant"/> chains per tenant so that no single row serializes every money movement.
/// </summary>
public sealed class AuditChain
{
    public required string ChainId { get; set; }
    public required string TenantId { get; set; }
    public long Length { get; set; }
    public required string HeadHash { get; set; }
    public required string PreviousHash { get; set; }
    public required string LastContentHash { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
