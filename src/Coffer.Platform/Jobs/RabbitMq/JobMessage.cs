using System.Text.Json;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>
/// The body of a broker message, <c>{"jobId":"…"}</c>: only a signal that a job is due. Everything else about the job
/// (tenant, payload, attempts, lease) stays in its row, which is the truth; a message that names no job, or a job that
/// is not due, changes nothing.
/// </summary>
internal static class JobMessage
{
    public const string ContentType = "application/json";

    /// <summary>A signal is about 50 bytes; anything much larger is not one of ours.</summary>
    public const int MaxBodyBytes = 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] Write(Guid jobId) => JsonSerializer.SerializeToUtf8Bytes(new Body(jobId), Json);

    public static bool TryRead(ReadOnlySpan<byte> body, out Guid jobId)
    {
        jobId = Guid.Empty;
        if (body.Length is 0 or > MaxBodyBytes)
        {
            return false;
        }
        try
        {
            jobId = JsonSerializer.Deserialize<Body>(body, Json)?.JobId ?? Guid.Empty;
        }
        catch (JsonException)
        {
            return false;
        }
        return jobId != Guid.Empty;
    }

    private sealed record Body(Guid JobId);
}
