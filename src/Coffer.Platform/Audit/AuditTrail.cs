using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;

namespace Coffer.Platform.Audit;

/// <summary>
/// Records audit events inside the caller's unit of work: <see cref="Record"/> queues its statements to travel with the
/// transaction's next round trip (on the hot path, the COMMIT batch), so the event exists exactly when the change does.
/// Every module audits through this one call:
/// <code>audit.Record(tenant, "transfer.posted", "transfer", id, before: null, after: transfer);</code>
/// </summary>
public sealed class AuditTrail(
    DbSession session, RecordClock clock, AuditSnapshot snapshots, PlatformMetrics metrics, IHttpContextAccessor httpContextAccessor)
{
    /// <summary>Chains per tenant. A chain's head row is locked from the commit batch until COMMIT, so writers are spread.</summary>
    public const int StripesPerTenant = 64;

    private AuditActor? _actor;
    private int? _stripe;

    /// <summary>Who this unit of work acts as: the request's caller unless set (workers set a system actor).</summary>
    public AuditActor Actor
    {
        get => _actor ??= httpContextAccessor.HttpContext is { User.Identity.IsAuthenticated: true } http
            ? AuditActor.FromRequest(http)
            : throw new InvalidOperationException("Audit events outside a request need an explicit actor (AuditTrail.Actor = AuditActor.System(...)).");
        set => _actor = value;
    }

    public static string ChainIdOf(string tenantId, int stripe) => $"{tenantId}/{stripe:D2}";

    /// <summary>Queues one event in the open transaction. <paramref name="before"/> and <paramref name="after"/> are redacted snapshots.</summary>
    public void Record(string tenantId, string action, string resourceType, string resourceId, object? before, object? after)
    {
        if (!session.InTransaction)
        {
            throw new InvalidOperationException("Audit events are written in the transaction of the change they record.");
        }
        var actor = Actor;
        var now = clock.Now();
        // One chain per unit of work: its events stay in order, and a transaction never waits on two chain heads.
        _stripe ??= Random.Shared.Next(StripesPerTenant);
        var chainId = ChainIdOf(tenantId, _stripe.Value);
        var entry = new AuditEvent
        {
            Id = clock.NewId(now),
            TenantId = tenantId,
            ChainId = chainId,
            OccurredAt = now,
            Actor = actor.Actor,
            ActorType = actor.ActorType,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            RequestId = actor.RequestId,
            IpAddress = actor.IpAddress,
            UserAgent = actor.UserAgent,
            Before = snapshots.Serialize(before),
            After = snapshots.Serialize(after),
            PreviousHash = "",
            Hash = "",
        };
        var contentHash = AuditHashing.ContentHash(entry);
        foreach (var statement in AuditStatements.Record(session.Provider, entry, contentHash))
        {
            session.Defer(statement);
        }
        session.OnCommitted(() => metrics.AuditEventCommitted(action));
    }
}
