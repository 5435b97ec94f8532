using Coffer.Platform.Persistence;

namespace Coffer.Platform.Audit;

/// <summary>A place where a chain no longer proves itself: the first broken link of one chain.</summary>
public sealed record AuditBrokenLink(string ChainId, long Sequence, Guid? EventId, string Reason);

public sealed record AuditVerification(int ChainsChecked, long EventsChecked, IReadOnlyList<AuditBrokenLink> BrokenLinks)
{
    public bool IsIntact => BrokenLinks.Count == 0;
}

/// <summary>
/// Walks every audit chain from its genesis to the head it had when the walk began, recomputing each event's hash from
/// its stored fields. Detects an altered event (its hash no longer matches), a deleted event (a gap in the sequence or a
/// previous hash that does not match), a truncated chain (fewer events than its head counts) and events outside any chain.
/// </summary>
public sealed class AuditChainVerifier(DbSession session)
{
    public const int PageSize = 1000;

    /// <summary>Total events to check, for progress displays.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        session.TenantScope = DbSession.AllTenants;
        return (await session.QueryAsync(SqlStatement.Of("SELECT COUNT(*) FROM audit_events"), r => r.GetInt64(0), cancellationToken))[0];
    }

    /// <summary>Verifies every tenant's chains (the session is scoped to all tenants for it).</summary>
    public async Task<AuditVerification> VerifyAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        session.TenantScope = DbSession.AllTenants;
        var chains = await session.QueryAsync(
            SqlStatement.Of("SELECT chain_id, length, head_hash FROM audit_chains ORDER BY chain_id"),
            r => (Id: r.GetString(0), Length: r.GetInt64(1), Head: r.GetString(2)), cancellationToken);
        var broken = new List<AuditBrokenLink>();
        long checkedEvents = 0;
        foreach (var chain in chains)
        {
            var (link, count) = await VerifyChainAsync(chain.Id, chain.Length, chain.Head, n => progress?.Report(checkedEvents + n), cancellationToken);
            checkedEvents += count;
            progress?.Report(checkedEvents);
            if (link is not null)
            {
                broken.Add(link);
            }
        }
        var orphans = await session.QueryAsync(
            SqlStatement.Of(
                """
                SELECT e.id, e.chain_id, e.sequence FROM audit_events e
                WHERE NOT EXISTS (SELECT 1 FROM audit_chains c WHERE c.chain_id = e.chain_id) ORDER BY e.chain_id, e.sequence
                """),
            r => new AuditBrokenLink(r.GetString(1), r.GetInt64(2), r.GetGuid(0), "event belongs to no chain (its chain head was removed)"),
            cancellationToken);
        broken.AddRange(orphans.GroupBy(o => o.ChainId).Select(g => g.First()));
        return new AuditVerification(chains.Count, checkedEvents, broken);
    }

    private async Task<(AuditBrokenLink? Link, long Count)> VerifyChainAsync(
        string chainId, long length, string head, Action<long> progress, CancellationToken cancellationToken)
    {
        var previous = AuditHashing.Genesis;
        long expected = 1;
        while (expected <= length)
        {
            var page = await session.QueryAsync(
                SqlStatement.Of(
                    $"""
                    SELECT {AuditEvent.Columns} FROM audit_events
                    WHERE chain_id = @chain AND sequence >= @from AND sequence <= @to ORDER BY sequence LIMIT {PageSize}
                    """,
                    ("chain", chainId), ("from", expected), ("to", length)),
                AuditEvent.Read, cancellationToken);
            if (page.Count == 0)
            {
                return (new AuditBrokenLink(chainId, expected, null,
                    $"events {expected}..{length} are missing: the chain head counts {length} events"), expected - 1);
            }
            foreach (var e in page)
            {
                if (e.Sequence != expected)
                {
                    return (new AuditBrokenLink(chainId, expected, null,
                        e.Sequence > expected ? $"event {expected} is missing (next present is {e.Sequence})" : $"event {e.Sequence} appears twice"),
                        expected - 1);
                }
                if (e.PreviousHash != previous)
                {
                    return (new AuditBrokenLink(chainId, e.Sequence, e.Id, "previous hash does not match the hash of the event before it"), expected - 1);
                }
                if (AuditHashing.ChainHash(previous, AuditHashing.ContentHash(e)) != e.Hash)
                {
                    return (new AuditBrokenLink(chainId, e.Sequence, e.Id, "content does not match its hash: the event was altered"), expected - 1);
                }
                previous = e.Hash;
                expected++;
            }
            progress(expected - 1);
        }
        if (previous != head)
        {
            return (new AuditBrokenLink(chainId, length, null, "the last event's hash does not match the chain head"), length);
        }
        return (null, length);
    }
}
