using System.Text.Json;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Platform.Time;

namespace Coffer.Platform.Jobs;

/// <summary>
/// Enqueues jobs in the caller's open transaction (the transactional outbox): the job exists exactly when the change
/// that caused it commits, and never for a change that rolled back.
/// <code>var jobId = jobs.Enqueue(tenant, "withdrawal.payout", new { withdrawalId }, owner: caller.Subject);</code>
/// </summary>
public sealed class JobQueue(DbSession session, RecordClock clock, JobSettings settings, JobHandlerRegistry handlers, JobSignal signal)
{
    /// <summary>Largest payload accepted: jobs carry references to rows, not documents.</summary>
    public const int MaxPayloadBytes = 16 * 1024;

    internal static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public Guid Enqueue(string tenantId, string type, object payload, string? ownerSubject, DateTimeOffset? runAt = null)
    {
        if (!session.InTransaction)
        {
            throw new InvalidOperationException("Jobs are enqueued in the transaction of the change that causes them.");
        }
        if (!handlers.Knows(type))
        {
            throw new InvalidOperationException($"No handler is registered for job type '{type}'.");
        }
        var json = JsonSerializer.Serialize(payload, PayloadJson);
        if (json.Length > MaxPayloadBytes)
        {
            throw new InvalidOperationException($"Job payloads are at most {MaxPayloadBytes} bytes; '{type}' sent {json.Length}.");
        }
        var now = clock.Now();
        var job = new Job(clock.NewId(now), tenantId, type, JobStatus.Queued, json, null, 0, settings.For(type).MaxAttempts, runAt ?? now,
            null, null, null, ownerSubject, TraceContextCarrier.Capture(), null, now, now, null);
        session.Defer(JobStore.Insert(job));
        session.OnCommitted(signal.Notify);
        return job.Id;
    }
}
