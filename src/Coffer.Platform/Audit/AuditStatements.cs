using Coffer.Platform.Persistence;

namespace Coffer.Platform.Audit;

/// <summary>
/// The audit trail's SQL (<c>coffer_chain_hash</c> is a SQL function on PostgreSQL and a registered function on SQLite).
/// PostgreSQL advances the chain and inserts the event in one statement (a data-modifying CTE); SQLite, which has none,
/// runs the same two steps as two statements.
/// </summary>
internal static class AuditStatements
{
    /// <summary>The statements that record <paramref name="e"/> at the head of its chain.</summary>
    public static IEnumerable<SqlStatement> Record(DatabaseProvider provider, AuditEvent e, string contentHash) =>
        provider == DatabaseProvider.Postgres
            ? [AdvanceAndInsert(e, contentHash)]
            : [AdvanceChain(e.ChainId, e.TenantId, contentHash, e.OccurredAt), Insert(e)];

    private static SqlStatement AdvanceAndInsert(AuditEvent e, string contentHash) => SqlStatement.Tagged(
        AdvanceTag,
        $"""
        WITH head AS (
            {AdvanceSql}
            RETURNING chain_id, length, previous_hash, head_hash
        )
        INSERT INTO audit_events ({AuditEvent.Columns})
        SELECT @id, @tenant, head.chain_id, head.length, @at, @actor, @actorType, @action, @resourceType, @resourceId,
            @requestId, @ip, @userAgent, @before, @after, head.previous_hash, head.head_hash
        FROM head
        """,
        [.. EventParameters(e), ("genesis", AuditHashing.Genesis), ("content", contentHash), ("now", e.OccurredAt)]);

    private const string AdvanceSql = $"""
        INSERT INTO audit_chains (chain_id, tenant_id, length, head_hash, previous_hash, last_content_hash, updated_at)
        VALUES (@chain, @tenant, 1, {AuditHashing.SqlFunctionName}(@genesis, @content), @genesis, @content, @now)
        ON CONFLICT (chain_id) DO UPDATE SET
            length = audit_chains.length + 1,
            previous_hash = audit_chains.head_hash,
            head_hash = {AuditHashing.SqlFunctionName}(audit_chains.head_hash, excluded.last_content_hash),
            last_content_hash = excluded.last_content_hash,
            updated_at = excluded.updated_at
        """;

    private static (string, object?)[] EventParameters(AuditEvent e) =>
    [
        ("id", e.Id), ("tenant", e.TenantId), ("at", e.OccurredAt), ("actor", e.Actor), ("actorType", e.ActorType),
        ("action", e.Action), ("resourceType", e.ResourceType), ("resourceId", e.ResourceId), ("requestId", e.RequestId),
        ("ip", e.IpAddress), ("userAgent", e.UserAgent), ("before", e.Before), ("after", e.After), ("chain", e.ChainId),
    ];
    public const string AdvanceTag = "audit.advance_chain";

    /// <summary>
    /// Moves the chain head one event forward. Every right-hand side reads the row as it was, so
    /// <c>previous_hash</c> becomes the old head and the new head chains the old one with this event's content.
    /// </summary>
    private static SqlStatement AdvanceChain(string chainId, string tenantId, string contentHash, DateTimeOffset now) => SqlStatement.Tagged(
        AdvanceTag, AdvanceSql,
        ("chain", chainId), ("tenant", tenantId), ("genesis", AuditHashing.Genesis), ("content", contentHash), ("now", now));

    /// <summary>The event copies its position and hashes from the head the statement before just advanced.</summary>
    private static SqlStatement Insert(AuditEvent e) => SqlStatement.Tagged(
        "audit.insert_event",
        $"""
        INSERT INTO audit_events ({AuditEvent.Columns})
        SELECT @id, @tenant, c.chain_id, c.length, @at, @actor, @actorType, @action, @resourceType, @resourceId,
            @requestId, @ip, @userAgent, @before, @after, c.previous_hash, c.head_hash
        FROM audit_chains c WHERE c.chain_id = @chain
        """,
        EventParameters(e));
}
