using System.Text.Json;

namespace Coffer.Platform.Jobs;

/// <summary>A job as its owner and operators read it; <c>result</c> is the handler's JSON result once it succeeded.</summary>
public sealed record JobResponse(
    Guid Id, string Type, string Status, int Attempts, int MaxAttempts, DateTimeOffset? NextRunAt, string? LastError, JsonElement? Result,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt)
{
    public static JobResponse From(Job job) => new(
        job.Id, job.Type, job.Status, job.Attempts, job.MaxAttempts,
        job.Status is JobStatus.Queued or JobStatus.Failed ? job.NextRunAt : null,
        job.LastError, Parse(job.Result), job.CreatedAt, job.UpdatedAt, job.FinishedAt);

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
