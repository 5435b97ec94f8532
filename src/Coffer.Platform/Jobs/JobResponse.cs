using System.Text.Json;
using Coffer.Platform.Observability;

namespace Coffer.Platform.Jobs;

/// <summary>
/// A job as its owner and operators read it; <c>result</c> is the handler's JSON result once it succeeded, <c>traceId</c> the
/// trace of the request that enqueued it (the job's own spans link to it).
/// </summary>
public sealed record JobResponse(
    Guid Id, string Type, string Status, int Attempts, int MaxAttempts, DateTimeOffset? NextRunAt, string? LastError, JsonElement? Result,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt, string? TraceId)
{
    public static JobResponse From(Job job) => new(
        job.Id, job.Type, job.Status, job.Attempts, job.MaxAttempts,
        job.Status is JobStatus.Queued or JobStatus.Failed ? job.NextRunAt : null,
        job.LastError, Parse(job.Result), job.CreatedAt, job.UpdatedAt, job.FinishedAt,
        TraceContextCarrier.TryParse(job.TraceParent, out var trace) ? trace.TraceId.ToString() : null);

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
