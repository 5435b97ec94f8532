using Coffer.Platform.Persistence;

namespace Coffer.Platform.Audit;

/// <summary>The audit trail's SQL, the same on both engines (<c>coffer_chain_hash</c> is a SQL function on PostgreSQL and a registered function on SQLite).</summary>
internal static class AuditStatements
{
    public const string AdvanceTag = "audit.advance_chain";

    /// <summary>
    /// Moves the chain head one event forward. Every right-hand side reads the row as it was, so
    /// <c>previous_hash</c> becomes the old head and the new head chains the old one with this event's content.
    /// </summary>
    public static SqlStatement AdvanceChain(string chainId, string tenantId, string contentHash, DateTimeOffset now) => SqlStatement.Tagged(
        AdvanceTag,
        $"""
        INSERT INTO audit_chains (chain_id, tenant_id, length, head_hash, previous_hash, last_content_hash, updated_at)
        VALUES (@chain, @tenant, 1, {AuditHashing.SqlFunctionName}(@genesis, @content), @genesis, @content, @now)
        ON CONFLICT (chain_id) DO UPDATE SET
            length = audit_chains.length + 1,
            previous_hash = audit_chains.head_hash,
            head_hash = {AuditHashing.SqlFunctionName}(audit_chains.head_hash, excluded.last_content_hash),
            last_content_hash = excluded.last_content_hash,
            updated_at = excluded.updated_at
        """,
        ("chain", chainId), ("tenant", tenantId), ("genesis", AuditHashing.Genesis), ("content", contentHash), ("now", now));

    public static SqlStatement Insert(AuditEvent e) => SqlStatement.Tagged(
        "audit.insert_event",
        $"""
        INSERT INTO audit_events ({AuditEvent.Columns})
        SELECT @id, @tenant, c.chain_id, c.length, @at, @actor, @actorType, @action, @resourceType, @resourceId,
            @requestId, @ip, @userAgent, @before, @after, c.previous_hash, c.head_hash
        FROM audit_chains c WHERE c.chain_id = @chain
        """,
        ("id", e.Id), ("tenant", e.TenantId), ("at", e.OccurredAt), ("actor", e.Actor), ("actorType", e.ActorType),
        ("action", e.Action), ("resourceType", e.ResourceType), ("resourceId", e.ResourceId), ("requestId", e.RequestId),
        ("ip", e.IpAddress), ("userAgent", e.UserAgent), ("before", e.Before), ("after", e.After), ("chain", e.ChainId));
}
