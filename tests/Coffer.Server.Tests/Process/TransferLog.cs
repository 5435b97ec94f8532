using System.Collections.Concurrent;
using System.Net;
using Coffer.Platform.Idempotency;
using Coffer.Testing;

namespace Coffer.Server.Tests.Process;

/// <summary>
/// Every transfer request a crash test sent: its Idempotency-Key, its exact body (the key doubles as the
/// description, so the database can be asked how many transfers each key produced) and what came back.
/// </summary>
internal sealed class TransferLog
{
    private readonly ConcurrentDictionary<string, TrackedTransfer> _byKey = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly ConcurrentQueue<string> _serverErrors = new();
    private int _unanswered;
    private int _replays;

    public IReadOnlyCollection<TrackedTransfer> All => _byKey.Values.ToList();
    public IReadOnlyList<TrackedTransfer> Unanswered => _byKey.Values.Where(t => t.TransferId is null && !t.Abandoned).ToList();
    public IReadOnlyList<string> Unexpected => _unexpected.ToList();
    public IReadOnlyList<string> ServerErrors => _serverErrors.ToList();

    /// <summary>How many requests got no answer (connection reset by the kill, or a 5xx) at least once.</summary>
    public int UnansweredCount => _unanswered;

    /// <summary>How many retries were answered with a stored response (the effect had committed before the kill).</summary>
    public int ReplayCount => _replays;

    public TrackedTransfer New(int cycle, int subjectIndex, Guid from, Guid to, long amount)
    {
        var key = $"crash-{cycle}-{Guid.NewGuid():N}";
        var transfer = new TrackedTransfer(key, subjectIndex, new { fromAccountId = from, toAccountId = to, amount, currency = "USD", description = key });
        _byKey[key] = transfer;
        return transfer;
    }

    /// <summary>Sends the request (again) with its key and body and records the outcome. True when it is settled.</summary>
    public async Task<bool> SendAsync(HttpClient client, TrackedTransfer transfer)
    {
        Interlocked.Increment(ref transfer.Attempts);
        HttpResponseMessage response;
        try
        {
            response = await client.PostJsonAsync("/api/v1/transfers", transfer.Body, transfer.Key);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            MarkUnanswered(transfer);
            return false;
        }
        using (response)
        {
            var body = await ReadBodyAsync(response);
            if (body is null)
            {
                MarkUnanswered(transfer);
                return false;
            }
            if (response.StatusCode == HttpStatusCode.Created)
            {
                transfer.TransferId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
                if (response.Headers.TryGetValues(IdempotencySettings.ReplayedHeaderName, out var replayed) && replayed.Contains("true"))
                {
                    Interlocked.Increment(ref _replays);
                }
                return true;
            }
            if ((int)response.StatusCode >= 500)
            {
                _serverErrors.Enqueue($"{transfer.Key}: {(int)response.StatusCode} {body}");
                MarkUnanswered(transfer);
                return false;
            }
            if (response.StatusCode == HttpStatusCode.Conflict && body.Contains("idempotency_key_in_flight", StringComparison.Ordinal))
            {
                // Legal while a first attempt still runs; the caller retries with the same key.
                return false;
            }
            _unexpected.Enqueue($"{transfer.Key} (attempt {transfer.Attempts}): {(int)response.StatusCode} {body}");
            transfer.Abandoned = true;
            return true;
        }
    }

    private void MarkUnanswered(TrackedTransfer transfer)
    {
        if (!transfer.WasUnanswered)
        {
            transfer.WasUnanswered = true;
            Interlocked.Increment(ref _unanswered);
        }
    }

    /// <summary>The body, or null when the connection broke while it was being read (the kill landed mid-response).</summary>
    private static async Task<string?> ReadBodyAsync(HttpResponseMessage response)
    {
        try
        {
            return await response.Content.ReadAsStringAsync();
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException)
        {
            return null;
        }
    }
}

internal sealed class TrackedTransfer(string key, int subjectIndex, object body)
{
    public string Key { get; } = key;
    public int SubjectIndex { get; } = subjectIndex;
    public object Body { get; } = body;
    public Guid? TransferId { get; set; }
    public bool WasUnanswered { get; set; }
    public bool Abandoned { get; set; }
    public int Attempts;
}
